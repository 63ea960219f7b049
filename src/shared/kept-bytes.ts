/** The first bytes of a JSON value read as it streams past (json-outline.ts), up to a bound. */
export class Kept {
  readonly bytes: Buffer;
  length = 0;
  cut = false;
  constructor(max: number) {
    this.bytes = Buffer.allocUnsafe(max);
  }

  reset(): this {
    this.length = 0;
    this.cut = false;
    return this;
  }

  add(chunk: Buffer, from: number, to: number): void {
    const room = this.bytes.length - this.length;
    const n = Math.min(room, to - from);
    if (n > 0) chunk.copy(this.bytes, this.length, from, from + n);
    this.length += n;
    if (to - from > n) this.cut = true;
  }

  /** The kept bytes of a JSON string's inside, unescaped; cut ones lose a half escape or character. */
  text(): string {
    let raw = this.bytes.toString('utf8', 0, this.length);
    if (this.cut && raw.endsWith('\uFFFD')) raw = raw.slice(0, -1);
    for (let drop = 0; drop <= 6 && drop <= raw.length; drop++) {
      try {
        return JSON.parse(`"${raw.slice(0, raw.length - drop)}"`) as string;
      } catch {
        if (!this.cut) break;
      }
    }
    return raw;
  }

  literal(): string {
    return this.bytes.toString('latin1', 0, this.length);
  }
}
