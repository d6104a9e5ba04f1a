import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiKey, ServiceConfig } from '../config.js';
import { SERVICE_CONFIG } from '../infrastructure/tokens.js';
import type { Principal } from './principal.js';

interface StoredKey {
  digest: Buffer;
  principal: Principal;
}

/** Largest Authorization header considered: longer ones cannot hold a configured key. */
const MAX_HEADER_LENGTH = 1024;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A configured key's digest: given (`role:sha256:<hex>`) or computed from the plain key. */
function digestOf(key: ApiKey): Buffer {
  if (key.sha256) return Buffer.from(key.sha256, 'hex');
  if (key.key !== undefined) return sha256(key.key);
  throw new Error(`API key ${key.id} has neither a key nor a sha256 digest`);
}

/**
 * Resolves `Authorization: Bearer <key>` to a principal. Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, and every configured key is compared on every request, so neither the time
 * taken nor an early exit tells which key (or how much of one) matched. Keys are never logged.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly keys: StoredKey[];

  constructor(@Inject(SERVICE_CONFIG) config: Pick<ServiceConfig, 'apiKeys'>) {
    this.keys = config.apiKeys.map((k) => ({ digest: digestOf(k), principal: Object.freeze({ id: k.id, roles: Object.freeze([...k.roles]) }) }));
  }

  /** The presented key, or `null` when the header is absent or not a bearer credential. */
  static bearer(header: string | string[] | undefined): string | null {
    if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return null;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return match ? match[1]! : null;
  }

  /** The principal of a presented key, `null` when no configured key equals it. */
  authenticate(presented: string): Principal | null {
    const digest = sha256(presented);
    let found: Principal | null = null;
    for (const key of this.keys) {
      // No early return: the loop costs the same whichever key matches.
      if (timingSafeEqual(digest, key.digest) && found === null) found = key.principal;
    }
    return found;
  }
}
