// Lookups by a key the user wrote (a service name, a port name, an env var). A plain
// object inherits `toString`, `constructor` and friends: `depends_on: [toString]` must be
// an unknown service, not Object.prototype.toString.

/** obj[key] when key is obj's own property, else undefined. */
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * An object keyed by names the user wrote, with no prototype: `dict()['constructor']` is
 * undefined, not Object's constructor. Every map keyed by a service, port or variable name is
 * one of these (or a Map), so a missing key never reads an inherited member.
 */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Every plain object in `value` (parsed JSON, a stack received over IPC) made prototype-free, in place. */
export function nullProtoDeep<T>(value: T): T {
  if (Array.isArray(value)) for (const v of value) nullProtoDeep(v);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    Object.setPrototypeOf(value, null);
    for (const v of Object.values(value)) nullProtoDeep(v);
  }
  return value;
}
