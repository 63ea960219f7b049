/**
 * Local stand-ins for the notification providers: a real HTTP server on 127.0.0.1 per provider
 * that checks what it receives against the provider's documented format (required fields, types,
 * limits, where the credential goes) and answers as the provider does — 2xx when it is right, 400
 * naming every problem when it is not, so a channel that drifts from the format fails its send.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelKind } from '../../src/model/notification.js';

export interface Hit {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** JSON bodies parsed; form bodies as an object of their fields. */
  body: Record<string, unknown>;
  problems: string[];
}

export interface Receiver {
  /** The base URL (no path): providers' `config.url` is built from it. */
  base: string;
  hits: Hit[];
  /** Answers the next requests with these statuses (and this body), then returns to checking. */
  failNext(statuses: number[], body?: string): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Check = (hit: Omit<Hit, 'problems'>, p: Problems) => void;

/** Collects what is wrong with a request, each with the path of the field. */
class Problems {
  readonly list: string[] = [];
  need(ok: boolean, what: string): void {
    if (!ok) this.list.push(what);
  }
  str(v: unknown, path: string, max: number, min = 1): void {
    if (typeof v !== 'string') this.list.push(`${path}: must be a string`);
    else if (v.length < min || v.length > max)
      this.list.push(`${path}: length ${v.length} not in ${min}..${max}`);
  }
  arr(v: unknown, path: string, max: number, min = 0): unknown[] {
    if (!Array.isArray(v)) {
      this.list.push(`${path}: must be an array`);
      return [];
    }
    if (v.length < min || v.length > max) this.list.push(`${path}: ${v.length} items not in ${min}..${max}`);
    return v as unknown[];
  }
  url(v: unknown, path: string): void {
    this.need(typeof v === 'string' && /^https?:\/\//.test(v), `${path}: must be an http(s) URL`);
  }
}

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const jsonType = (h: Omit<Hit, 'problems'>, p: Problems) =>
  p.need(
    String(h.headers['content-type']).startsWith('application/json'),
    'content-type must be application/json',
  );

/** Slack incoming webhooks: Block Kit with a top-level `text`; 50 blocks at most. */
const slack: Check = (h, p) => {
  jsonType(h, p);
  p.str(h.body.text, 'text', 40_000);
  const blocks = p.arr(h.body.blocks, 'blocks', 50, 1);
  blocks.map(obj).forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (b.type === 'header') {
      p.need(obj(b.text).type === 'plain_text', `${at}.text.type must be plain_text`);
      p.str(obj(b.text).text, `${at}.text.text`, 150);
    } else if (b.type === 'section') {
      p.need(b.text !== undefined || b.fields !== undefined, `${at}: text or fields`);
      p.arr(b.fields, `${at}.fields`, 10, 1)
        .map(obj)
        .forEach((f, j) => {
          p.need(f.type === 'mrkdwn' || f.type === 'plain_text', `${at}.fields[${j}].type`);
          p.str(f.text, `${at}.fields[${j}].text`, 2000);
        });
    } else if (b.type === 'actions') {
      p.arr(b.elements, `${at}.elements`, 25, 1)
        .map(obj)
        .forEach((e, j) => {
          p.need(e.type === 'button', `${at}.elements[${j}].type`);
          p.str(obj(e.text).text, `${at}.elements[${j}].text.text`, 75);
          p.str(e.url, `${at}.elements[${j}].url`, 3000);
        });
    } else p.need(['divider', 'context', 'image'].includes(String(b.type)), `${at}.type ${String(b.type)}`);
  });
};

/** Discord Execute Webhook: 10 embeds, and the embed limits (6000 characters in all). */
const discord: Check = (h, p) => {
  jsonType(h, p);
  p.need(h.body.content !== undefined || h.body.embeds !== undefined, 'content or embeds');
  if (h.body.content !== undefined) p.str(h.body.content, 'content', 2000);
  let total = 0;
  const count = (v: unknown) => (total += typeof v === 'string' ? v.length : 0);
  p.arr(h.body.embeds, 'embeds', 10, 1)
    .map(obj)
    .forEach((e, i) => {
      const at = `embeds[${i}]`;
      if (e.title !== undefined) p.str(e.title, `${at}.title`, 256);
      if (e.description !== undefined) p.str(e.description, `${at}.description`, 4096);
      if (e.url !== undefined) p.url(e.url, `${at}.url`);
      p.need(Number.isInteger(e.color) && Number(e.color) >= 0 && Number(e.color) <= 0xffffff, `${at}.color`);
      [e.title, e.description, obj(e.footer).text].forEach(count);
      p.arr(e.fields, `${at}.fields`, 25)
        .map(obj)
        .forEach((f, j) => {
          p.str(f.name, `${at}.fields[${j}].name`, 256);
          p.str(f.value, `${at}.fields[${j}].value`, 1024);
          [f.name, f.value].forEach(count);
        });
      if (e.footer !== undefined) p.str(obj(e.footer).text, `${at}.footer.text`, 2048);
    });
  p.need(total <= 6000, `embeds: ${total} characters in all, over 6000`);
};

/** Teams Workflows webhook: a message with Adaptive Card attachments, at most 28 KB. */
const msteams: Check = (h, p) => {
  jsonType(h, p);
  p.need(Buffer.byteLength(h.raw) <= 28 * 1024, 'message over 28 KB');
  p.need(h.body.type === 'message', 'type must be "message"');
  p.arr(h.body.attachments, 'attachments', 10, 1)
    .map(obj)
    .forEach((a, i) => {
      p.need(a.contentType === 'application/vnd.microsoft.card.adaptive', `attachments[${i}].contentType`);
      const card = obj(a.content);
      p.need(card.type === 'AdaptiveCard', `attachments[${i}].content.type`);
      p.need(/^1\.[0-5]$/.test(String(card.version)), `attachments[${i}].content.version`);
      p.arr(card.body, `attachments[${i}].content.body`, 100, 1).forEach((el, j) =>
        p.need(typeof obj(el).type === 'string', `body[${j}].type`),
      );
      p.arr(card.actions ?? [], `attachments[${i}].content.actions`, 6)
        .map(obj)
        .forEach((act, j) => {
          p.need(act.type === 'Action.OpenUrl', `actions[${j}].type`);
          p.url(act.url, `actions[${j}].url`);
        });
    });
};

/** PagerDuty Events API v2 (`/v2/enqueue`): the routing key in the body. */
const pagerduty: Check = (h, p) => {
  jsonType(h, p);
  p.need(h.url === '/v2/enqueue', `path ${h.url}`);
  p.str(h.body.routing_key, 'routing_key', 32, 32);
  p.need(['trigger', 'acknowledge', 'resolve'].includes(String(h.body.event_action)), 'event_action');
  p.str(h.body.dedup_key, 'dedup_key', 255);
  if (h.body.event_action !== 'trigger') return;
  const payload = obj(h.body.payload);
  p.str(payload.summary, 'payload.summary', 1024);
  p.str(payload.source, 'payload.source', 255);
  p.need(['critical', 'error', 'warning', 'info'].includes(String(payload.severity)), 'payload.severity');
  p.arr(h.body.links ?? [], 'links', 50)
    .map(obj)
    .forEach((l, i) => p.url(l.href, `links[${i}].href`));
};

/** Opsgenie Alert API: `GenieKey` auth; create at /v2/alerts, close by alias. */
const opsgenie: Check = (h, p) => {
  jsonType(h, p);
  p.need(/^GenieKey \S+$/.test(String(h.headers.authorization)), 'Authorization: GenieKey <key>');
  if (h.url === '/v2/alerts') {
    p.str(h.body.message, 'message', 130);
    p.str(h.body.alias, 'alias', 512);
    if (h.body.description !== undefined) p.str(h.body.description, 'description', 15_000);
    p.need(['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(h.body.priority)), 'priority');
    if (h.body.source !== undefined) p.str(h.body.source, 'source', 100);
    if (h.body.entity !== undefined) p.str(h.body.entity, 'entity', 512);
    p.arr(h.body.tags ?? [], 'tags', 20).forEach((t, i) => p.str(t, `tags[${i}]`, 50));
    p.need(JSON.stringify(h.body.details ?? {}).length <= 8000, 'details over 8000 characters');
  } else {
    p.need(/^\/v2\/alerts\/[^/]+\/close\?identifierType=alias$/.test(h.url), `close path ${h.url}`);
    if (h.body.note !== undefined) p.str(h.body.note, 'note', 25_000);
  }
};

/** What a Telegram user sees of an HTML-mode text: tags out, entities decoded. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Telegram Bot API sendMessage: the token in the path; 1-4096 characters after entities parsing. */
const telegram: Check = (h, p) => {
  jsonType(h, p);
  p.need(/^\/bot\d+:[A-Za-z0-9_-]+\/sendMessage$/.test(h.url), `path ${h.url}`);
  p.need(typeof h.body.chat_id === 'number' || typeof h.body.chat_id === 'string', 'chat_id');
  p.need(h.body.parse_mode === 'HTML', 'parse_mode');
  const text = String(h.body.text);
  p.str(visible(text), 'text (visible)', 4096);
  // HTML mode accepts only its tags; a stray "<" is a 400 ("can't parse entities").
  for (const tag of text.match(/<\/?([a-z-]+)/g) ?? [])
    p.need(/^<\/?(b|strong|i|em|u|s|a|code|pre|blockquote)$/.test(tag), `text: tag ${tag}`);
};

/** ntfy publish-as-JSON to the root: topic, message of at most 4096 bytes, priority 1-5, 3 actions. */
const ntfy: Check = (h, p) => {
  jsonType(h, p);
  p.need(h.url === '/', `path ${h.url}`);
  p.need(/^[-_A-Za-z0-9]{1,64}$/.test(String(h.body.topic)), 'topic');
  p.need(Buffer.byteLength(String(h.body.message)) <= 4096, 'message over 4096 bytes');
  p.need([1, 2, 3, 4, 5].includes(Number(h.body.priority)), 'priority');
  p.arr(h.body.tags ?? [], 'tags', 20).forEach((t, i) => p.need(typeof t === 'string', `tags[${i}]`));
  if (h.body.click !== undefined) p.url(h.body.click, 'click');
  p.arr(h.body.actions ?? [], 'actions', 3)
    .map(obj)
    .forEach((a, i) => {
      p.need(a.action === 'view', `actions[${i}].action`);
      p.str(a.label, `actions[${i}].label`, 100);
      p.url(a.url, `actions[${i}].url`);
    });
};

/** Mattermost incoming webhook: text (16383 characters) and/or attachments, each with its fallback. */
const mattermost: Check = (h, p) => {
  jsonType(h, p);
  p.need(h.body.text !== undefined || h.body.attachments !== undefined, 'text or attachments');
  if (h.body.text !== undefined) p.str(h.body.text, 'text', 16_383);
  p.arr(h.body.attachments ?? [], 'attachments', 100)
    .map(obj)
    .forEach((a, i) => {
      p.str(a.fallback, `attachments[${i}].fallback`, 16_383);
      if (a.color !== undefined)
        p.need(typeof a.color === 'string' && /^#[0-9a-f]{6}$/i.test(a.color), `attachments[${i}].color`);
      if (a.title_link !== undefined) p.url(a.title_link, `attachments[${i}].title_link`);
      p.arr(a.fields ?? [], `attachments[${i}].fields`, 100)
        .map(obj)
        .forEach((f, j) =>
          p.need(typeof f.title === 'string' && typeof f.value === 'string', `fields[${j}]`),
        );
    });
};

/** Google Chat space webhook: key and token kept in the query; cardsV2 of at most 100 widgets; 32,000 bytes. */
const googleChat: Check = (h, p) => {
  jsonType(h, p);
  const q = new URL(h.url, 'http://x').searchParams;
  p.need(q.get('key') === 'K' && q.get('token') === 'T', 'the webhook key and token in the query');
  p.need(q.get('messageReplyOption') === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', 'messageReplyOption');
  p.need(Buffer.byteLength(h.raw) <= 32_000, 'message over 32,000 bytes');
  p.need(h.body.text !== undefined || h.body.cardsV2 !== undefined, 'text or cardsV2');
  p.str(obj(h.body.thread).threadKey, 'thread.threadKey', 4000);
  p.arr(h.body.cardsV2, 'cardsV2', 10, 1)
    .map(obj)
    .forEach((c, i) => {
      p.str(c.cardId, `cardsV2[${i}].cardId`, 255);
      const card = obj(c.card);
      p.str(obj(card.header).title, `cardsV2[${i}].card.header.title`, 4000);
      const widgets = p
        .arr(card.sections, `cardsV2[${i}].card.sections`, 100, 1)
        .flatMap((s) => p.arr(obj(s).widgets, 'widgets', 100, 1));
      p.need(widgets.length <= 100, 'over 100 widgets in a card');
      for (const w of widgets.map(obj))
        for (const b of obj(w.buttonList).buttons instanceof Array
          ? (obj(w.buttonList).buttons as unknown[])
          : [])
          p.url(obj(obj(obj(b).onClick).openLink).url, 'button openLink.url');
    });
};

/** Pushover Message API: form fields; token and user 30 characters; message 1024, title 250, url 512. */
const pushover: Check = (h, p) => {
  p.need(
    String(h.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
    'form content-type',
  );
  p.need(h.url === '/1/messages.json', `path ${h.url}`);
  p.need(/^[A-Za-z0-9]{30}$/.test(String(h.body.token)), 'token');
  p.need(/^[A-Za-z0-9]{30}$/.test(String(h.body.user)), 'user');
  p.str(h.body.message, 'message', 1024);
  if (h.body.title !== undefined) p.str(h.body.title, 'title', 250);
  if (h.body.url !== undefined) p.str(h.body.url, 'url', 512);
  if (h.body.url_title !== undefined) p.str(h.body.url_title, 'url_title', 100);
  p.need(['-2', '-1', '0', '1'].includes(String(h.body.priority)), 'priority (2 needs retry and expire)');
};

const CHECKS = {
  slack,
  discord,
  msteams,
  pagerduty,
  opsgenie,
  telegram,
  ntfy,
  mattermost,
  google_chat: googleChat,
  pushover,
} satisfies Partial<Record<ChannelKind, Check>>;
export type ProviderKind = keyof typeof CHECKS;
export const PROVIDER_KINDS = Object.keys(CHECKS) as ProviderKind[];

/** What each provider answers to a good request. */
const ANSWERS: Record<ProviderKind, [number, string]> = {
  slack: [200, 'ok'],
  discord: [204, ''],
  msteams: [202, ''],
  pagerduty: [202, '{"status":"success","message":"Event processed"}'],
  opsgenie: [202, '{"result":"Request will be processed","requestId":"r-1"}'],
  telegram: [200, '{"ok":true,"result":{"message_id":1}}'],
  ntfy: [200, '{"id":"n1","event":"message"}'],
  mattermost: [200, 'ok'],
  google_chat: [200, '{"name":"spaces/S/messages/M"}'],
  pushover: [200, '{"status":1,"request":"p-1"}'],
};

function parse(raw: string, type: string | undefined): Record<string, unknown> {
  if (String(type).startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return obj(JSON.parse(raw));
  } catch {
    return {};
  }
}

/** A provider's stand-in on a port of its own. */
export async function providerReceiver(kind: ProviderKind): Promise<Receiver> {
  const hits: Hit[] = [];
  let failing: { statuses: number[]; body: string } = { statuses: [], body: '' };
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const hit = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body: parse(raw, req.headers['content-type']),
      };
      const p = new Problems();
      p.need(hit.method === 'POST', `method ${hit.method}`);
      CHECKS[kind](hit, p);
      hits.push({ ...hit, problems: p.list });
      const forced = failing.statuses.shift();
      if (forced !== undefined) res.writeHead(forced).end(failing.body);
      else if (p.list.length > 0) res.writeHead(400).end(p.list.join('; '));
      else res.writeHead(ANSWERS[kind][0]).end(ANSWERS[kind][1]);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo; // safe because listen() on TCP resolved
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    failNext(statuses, body = 'unavailable') {
      failing = { statuses: [...statuses], body };
    },
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

/** A working config of each provider pointing at its stand-in, and the secrets in it. */
export function providerConfig(
  kind: ProviderKind,
  base: string,
): { config: Record<string, unknown>; secrets: string[] } {
  const configs: Record<ProviderKind, Record<string, unknown>> = {
    slack: { url: `${base}/services/T0001/B0001/slackHookSecret` },
    discord: { url: `${base}/api/webhooks/1234/discordHookSecret` },
    msteams: { url: `${base}/workflows/w1/triggers/manual/paths/invoke?sig=teamsSigSecret` },
    pagerduty: { url: `${base}/v2/enqueue`, routing_key: 'e93facc04764012d7bfb002500d5d1a6' },
    opsgenie: { url: base, api_key: 'eb243592-faa2-4ba2-a551-1afdf565c889' },
    telegram: {
      url: base,
      bot_token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      chat_id: -1001234567890,
    },
    ntfy: { url: base, topic: 'mcp-health-x7q2', token: 'tk_ntfyAccessSecret' },
    mattermost: { url: `${base}/hooks/mattermostHookSecret` },
    google_chat: { url: `${base}/v1/spaces/S/messages?key=K&token=T` },
    pushover: {
      url: `${base}/1/messages.json`,
      app_token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
      user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
    },
  };
  const secrets: Record<ProviderKind, string[]> = {
    slack: ['slackHookSecret'],
    discord: ['discordHookSecret'],
    msteams: ['teamsSigSecret'],
    pagerduty: ['e93facc04764012d7bfb002500d5d1a6'],
    opsgenie: ['eb243592-faa2-4ba2-a551-1afdf565c889'],
    telegram: ['AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'],
    ntfy: ['tk_ntfyAccessSecret'],
    mattermost: ['mattermostHookSecret'],
    google_chat: [`${base}/v1/spaces/S/messages?key=K&token=T`],
    pushover: ['azGDORePK8gMaC0QOYAMyEEuzJnyUi', 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG'],
  };
  return { config: configs[kind], secrets: secrets[kind] };
}
