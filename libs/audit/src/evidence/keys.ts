import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The Ed25519 keys of checkpoints and export manifests. The private key lives in a file the
 * operator provides (`AUDIT_SIGNING_KEY_FILE`), never in the database; a key is known by its
 * `keyId`, the first 32 hex digits of the SHA-256 of its public key's DER SubjectPublicKeyInfo,
 * so anyone holding the public key can recompute the id and no key can pass for another.
 */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

export interface PublicKeyEntry {
  keyId: string;
  /** SPKI PEM. */
  publicKey: string;
}

/** File name of the development key inside DATA_DIR. */
const DEVELOPMENT_KEY_FILE = 'audit-signing-key.pem';

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 32);
}

function fromPrivate(privateKey: KeyObject, source: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${source} holds a ${privateKey.asymmetricKeyType ?? 'non-asymmetric'} key; checkpoints are signed with Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Reads a PEM (PKCS#8) Ed25519 private key. */
async function loadSigningKey(file: string): Promise<SigningKey> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the audit signing key ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${file} is not a PEM private key: ${(error as Error).message}`);
  }
  return fromPrivate(key, file);
}

export function generateSigningKey(): { key: SigningKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { key: fromPrivate(privateKey, 'generated key'), pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The development key in `dataDir` (created mode 600 when missing); `created` tells whether it was. */
async function developmentSigningKey(dataDir: string): Promise<{ key: SigningKey; file: string; created: boolean }> {
  const file = join(dataDir, DEVELOPMENT_KEY_FILE);
  try {
    return { key: await loadSigningKey(file), file, created: false };
  } catch (error) {
    if ((error as Error).message.includes('ENOENT') === false) throw error;
  }
  const { key, pem } = generateSigningKey();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    // Another process created it first: use theirs.
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600).catch(() => undefined);
  const kept = await loadSigningKey(file);
  return { key: kept, file, created: kept.keyId === key.keyId };
}

/** Every `*.pem` public key (or private key, whose public half is taken) in a directory. */
export async function loadPublicKeys(dir: string): Promise<PublicKeyEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pem')).sort();
  } catch (error) {
    throw new Error(`cannot read AUDIT_PUBLIC_KEYS_DIR ${dir}: ${(error as Error).message}`);
  }
  const out: PublicKeyEntry[] = [];
  for (const name of names) {
    const pem = await readFile(join(dir, name), 'utf8');
    let key: KeyObject;
    try {
      key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    } catch (error) {
      throw new Error(`${join(dir, name)} is not a PEM key: ${(error as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${join(dir, name)} is not an Ed25519 key`);
    out.push({ keyId: keyIdOf(key), publicKey: key.export({ type: 'spki', format: 'pem' }).toString() });
  }
  return out;
}

export function signBytes(key: SigningKey, message: string): string {
  return sign(null, Buffer.from(message, 'utf8'), key.privateKey).toString('base64');
}

export function verifyBytes(publicKeyPem: string, message: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * What a process knows about keys: the one it signs with (if any) and every public key it can
 * verify with, by keyId (the signing key's, AUDIT_PUBLIC_KEYS_DIR's, those recorded at signing).
 */
export class Keyring {
  private readonly publics = new Map<string, string>();

  constructor(
    readonly signing: SigningKey | undefined,
    publicKeys: readonly PublicKeyEntry[] = [],
    /** Why there is no signing key, for /health and the refusal. */
    readonly unavailableReason?: string,
  ) {
    if (signing) this.publics.set(signing.keyId, signing.publicKeyPem);
    for (const k of publicKeys) this.add(k);
  }

  /** Adds a public key; its id is recomputed, so a mislabelled key is refused. */
  add(entry: PublicKeyEntry): boolean {
    if (keyIdOf(entry.publicKey) !== entry.keyId) return false;
    if (!this.publics.has(entry.keyId)) this.publics.set(entry.keyId, entry.publicKey);
    return true;
  }

  publicKey(keyId: string): string | undefined {
    return this.publics.get(keyId);
  }

  publicKeys(): PublicKeyEntry[] {
    return [...this.publics].map(([keyId, publicKey]) => ({ keyId, publicKey }));
  }
}

export interface KeyringOptions {
  nodeEnv: 'production' | 'development' | 'test';
  signingKeyFile?: string;
  publicKeysDir?: string;
  /** Development: where the generated key is kept; absent: an in-memory key (tests). */
  dataDir?: string;
  /** Development only: generate the key when missing (the service does; the CLI only reads it). */
  generate?: boolean;
  /** Told once when a development key was created. */
  onGenerated?(key: SigningKey, file: string | undefined): void;
}

/**
 * The key arrangement of a process. With AUDIT_SIGNING_KEY_FILE, that key. Without: in
 * production nothing signs (the reason says so); otherwise the development key in DATA_DIR
 * (generated by the service when missing; in memory without DATA_DIR).
 */
export async function openKeyring(options: KeyringOptions): Promise<Keyring> {
  const publics = options.publicKeysDir ? await loadPublicKeys(options.publicKeysDir) : [];
  if (options.signingKeyFile) return new Keyring(await loadSigningKey(options.signingKeyFile), publics);
  if (options.nodeEnv === 'production') {
    return new Keyring(undefined, publics, 'AUDIT_SIGNING_KEY_FILE is not set: checkpoints and export manifests cannot be signed in production without it');
  }
  if (!options.dataDir) {
    if (!options.generate) return new Keyring(undefined, publics, 'no AUDIT_SIGNING_KEY_FILE and no DATA_DIR development key');
    const { key } = generateSigningKey();
    options.onGenerated?.(key, undefined);
    return new Keyring(key, publics);
  }
  if (!options.generate) {
    try {
      return new Keyring(await loadSigningKey(join(options.dataDir, DEVELOPMENT_KEY_FILE)), publics);
    } catch {
      return new Keyring(undefined, publics, `no AUDIT_SIGNING_KEY_FILE and no development key in ${options.dataDir}`);
    }
  }
  const { key, file, created } = await developmentSigningKey(options.dataDir);
  if (created) options.onGenerated?.(key, file);
  return new Keyring(key, publics);
}
