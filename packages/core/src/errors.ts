/**
 * Every error the library throws on purpose derives from MTError, so callers can tell our
 * validation failures from bugs. Each message says what was expected, what came, and what to do.
 */
export class MTError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad keyword arguments for an environment, or a bad configuration value. */
export class ConfigError extends MTError {}

/** A seed that is not an integer in [0, 2^32), or a call that needs a seed before one was given. */
export class SeedError extends MTError {}

/** Short, bounded rendering of a value for error messages. */
export function describeValue(value: unknown, maxLength = 120): string {
  let text: string;
  if (value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array) {
    text = `${value.constructor.name}(${value.length}) [${Array.from(value.subarray(0, 8)).join(", ")}${value.length > 8 ? ", ..." : ""}]`;
  } else if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) {
    text = String(value);
  } else if (typeof value === "string") {
    text = JSON.stringify(value);
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/** Up to three registered names closest to `wanted` by edit distance ("did you mean"). */
export function closestNames(wanted: string, candidates: Iterable<string>, maxResults = 3): string[] {
  const scored: Array<[number, string]> = [];
  const lowerWanted = wanted.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lowerWanted, candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(wanted.length, candidate.length) * 0.4));
    if (distance <= limit || candidate.toLowerCase().includes(lowerWanted)) scored.push([distance, candidate]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, maxResults).map(([, name]) => name);
}

/** " Did you mean: a, b?" or "" when nothing is close. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const close = closestNames(wanted, candidates);
  return close.length > 0 ? ` Did you mean: ${close.join(", ")}?` : "";
}

function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
