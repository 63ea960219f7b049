import { BlockList, isIP } from 'node:net';

/** `10.0.0.0/8` → its parts; a bare address is its own range (/32, /128); undefined when neither. */
export function parseCidr(
  text: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits, extra] = text.trim().split('/');
  const v = isIP(address);
  if (v === 0 || extra !== undefined) return undefined;
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits)))
    return undefined;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** A test for "is this address in one of these ranges"; IPv4-mapped IPv6 (`::ffff:127.0.0.1`) counts as IPv4. */
export function addressMatcher(ranges: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const r of ranges) {
    const c = parseCidr(r);
    if (c) list.addSubnet(c.address, c.prefix, c.family);
  }
  return (address) => {
    if (address === undefined || ranges.length === 0) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const v = isIP(plain);
    return v !== 0 && list.check(plain, v === 4 ? 'ipv4' : 'ipv6');
  };
}
