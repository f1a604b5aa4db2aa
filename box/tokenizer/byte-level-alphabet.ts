/**
 * The GPT-2 byte-level alphabet used by byte-level BPE vocabularies (Qwen, Llama 3, GPT-2): every
 * byte maps to one printable character, so a vocab entry is the byte sequence of its token spelled
 * in this alphabet. Lets us find a token id from the exact bytes SGLang reports for it.
 */
const byteToChar: string[] = buildByteToChar();

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  const kept = new Set(printable);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (kept.has(b)) table[b] = String.fromCodePoint(b);
    else table[b] = String.fromCodePoint(256 + next++);
  }
  return table;
}

/** Spells raw bytes the way a byte-level BPE vocab stores them. */
export function bytesToByteLevel(bytes: Iterable<number>): string {
  let out = '';
  for (const b of bytes) {
    const ch = byteToChar[b];
    if (ch === undefined) throw new RangeError(`not a byte: ${b}`);
    out += ch;
  }
  return out;
}
