/**
 * Deterministic corpora standing in for Autobahn's 12.x payload files, and
 * the message of a given size cut from them (text cut on character
 * boundaries and padded to the exact byte size).
 */
import type { PayloadKind } from "./compression-cases";

const CORPUS_SIZE = 384 * 1024;

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
}

function textCorpus(next: (i: number, r: () => number) => string): Buffer {
  const r = lcg(7);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < CORPUS_SIZE; i++) {
    const s = next(i, r);
    parts.push(s);
    size += Buffer.byteLength(s);
  }
  return Buffer.from(parts.join(""));
}

const WORDS = ["Habe", "nun", "ach", "Philosophie", "Juristerei", "und", "Medizin", "leider", "auch", "Theologie", "durchaus",
  "studiert", "mit", "heißem", "Bemühn", "Da", "steh", "ich", "armer", "Tor", "bin", "so", "klug", "als", "wie", "zuvor", "Grüße", "Straße", "Übermut"];

function build(kind: PayloadKind): Buffer {
  switch (kind) {
    case "json":
      return textCorpus((i, r) => `{"id":${i},"name":"user-${r() % 5000}","active":${r() % 2 === 0},"tags":["t${r() % 40}","t${r() % 40}"],"score":${(r() % 100000) / 100}},`);
    case "prose":
      return textCorpus((i, r) => WORDS[r() % WORDS.length] + (i % 11 === 10 ? ".\n" : " "));
    case "html":
      return textCorpus((i, r) => `<div class="row r${r() % 9}"><a href="/item/${i}">Item ${i}</a><span>${WORDS[r() % WORDS.length]}</span></div>\n`);
    case "bitmap": {
      const r = lcg(11);
      const out = Buffer.alloc(CORPUS_SIZE);
      for (let i = 0; i < out.length;) {
        const run = 1 + (r() % 200);
        const value = r() % 16 === 0 ? r() & 0xff : (r() & 1 ? 0xff : 0x00);
        out.fill(value, i, Math.min(out.length, i + run));
        i += run;
      }
      return out;
    }
    case "binary-mixed": {
      const r = lcg(13);
      const out = Buffer.alloc(CORPUS_SIZE);
      let at = 0;
      while (at < out.length) {
        const header = Buffer.from(`${at} 0 obj << /Length ${r() % 9999} /Filter /FlateDecode >> stream\n`);
        at += header.copy(out, at);
        const noise = Math.min(out.length - at, 64 + (r() % 512));
        for (let j = 0; j < noise; j++) out[at + j] = r() >>> 24;
        at += noise;
      }
      return out;
    }
  }
}

const corpora = new Map<PayloadKind, Buffer>();

export function isText(kind: PayloadKind): boolean {
  return kind === "json" || kind === "prose" || kind === "html";
}

/** Message `index` of `size` bytes. */
export function messageOf(kind: PayloadKind, size: number, index: number): Buffer {
  let corpus = corpora.get(kind);
  if (!corpus) { corpus = build(kind); corpora.set(kind, corpus); }
  let start = (index * 7919 * 13) % (corpus.length - size);
  if (!isText(kind)) return corpus.subarray(start, start + size);
  while (start < corpus.length && (corpus[start] & 0xc0) === 0x80) start++;
  let end = Math.min(corpus.length, start + size);
  while (end > start && end < corpus.length && (corpus[end] & 0xc0) === 0x80) end--;
  const out = Buffer.alloc(size, 0x20);
  corpus.copy(out, 0, start, end);
  return out;
}
