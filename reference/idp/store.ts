/**
 * oidc-provider's storage (authorization codes, sessions, interactions, grants) for one IdP process: in memory,
 * and shared by every Provider the IdP builds — secret and key rotation rebuild the Provider (provider.ts), and a
 * login or a code issued just before a rotation must still work after it. (oidc-provider's own in-memory
 * adapter keeps one store per Provider instance.) Entries expire with the lifetime oidc-provider gives them.
 */

interface Entry {
  readonly payload: Record<string, unknown>;
  readonly expiresAt: number;
}

export class ProviderStore {
  private readonly entries = new Map<string, Entry>();
  /** grantId -> keys of the artefacts issued under it (for revokeByGrantId). */
  private readonly byGrant = new Map<string, Set<string>>();
  /** Session uid / device user code -> key. */
  private readonly index = new Map<string, string>();
  private writes = 0;

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: Record<string, unknown>, expiresInSeconds?: number): void {
    if (++this.writes % 1000 === 0) this.sweep();
    const expiresAt = typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : Infinity;
    this.entries.set(key, { payload, expiresAt });
    if (typeof payload.grantId === 'string') {
      const members = this.byGrant.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.byGrant.set(payload.grantId, members);
    }
    if (typeof payload.uid === 'string') this.index.set(`uid:${payload.uid}`, key);
    if (typeof payload.userCode === 'string') this.index.set(`userCode:${payload.userCode}`, key);
  }

  /** Drops expired entries (long runs issue many codes and sessions). */
  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [indexKey, key] of this.index) if (!this.entries.has(key)) this.index.delete(indexKey);
    for (const [grantId, members] of this.byGrant) {
      for (const key of members) if (!this.entries.has(key)) members.delete(key);
      if (members.size === 0) this.byGrant.delete(grantId);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  lookup(indexKey: string): Record<string, unknown> | undefined {
    const key = this.index.get(indexKey);
    return key === undefined ? undefined : this.get(key);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.byGrant.get(grantId) ?? []) this.entries.delete(key);
    this.byGrant.delete(grantId);
  }

  /** The adapter factory oidc-provider's `adapter` option takes: one adapter per model name. */
  adapterFactory() {
    const store = this;
    return (model: string) => ({
      async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        store.set(`${model}:${id}`, payload, expiresIn);
      },
      async find(id: string) {
        return store.get(`${model}:${id}`);
      },
      async findByUid(uid: string) {
        return store.lookup(`uid:${uid}`);
      },
      async findByUserCode(userCode: string) {
        return store.lookup(`userCode:${userCode}`);
      },
      async consume(id: string) {
        const payload = store.get(`${model}:${id}`);
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        store.delete(`${model}:${id}`);
      },
      async revokeByGrantId(grantId: string) {
        store.revokeGrant(grantId);
      },
    });
  }
}
