/** A deterministic source of randomness: the same seed and stream name give the same sequence. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One item, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A fresh independent stream for a part of the story (e.g. one person), keyed by name. */
  fork(name: string): Random;
}

/** FNV-1a over the text, mixed with the seed: a 32-bit starting state. */
function hashOf(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * mulberry32, seeded from `seed` and `stream`: small, fast and good enough for demo data (never for
 * secrets). Forks are keyed by name, so adding a draw in one stream never shifts another.
 */
export function createRandom(seed: number, stream = "root"): Random {
  let state = hashOf(seed, stream);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) return item;
      }
      const last = items.at(-1);
      if (!last) throw new Error("pick from an empty list");
      return last[0];
    },
    fork: (name) => createRandom(seed, `${stream}/${name}`),
  };
  return random;
}
