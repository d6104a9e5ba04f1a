import { createHash } from 'node:crypto';
import { checkpointMessage, parseCheckpoint, signCheckpoint, verifyCheckpointSignature } from './checkpoint.js';
import { generateSigningKey, keyIdOf, Keyring } from './keys.js';
import { EMPTY_ROOT, inclusionProof, leafHash, merkleRoot, MerkleRootBuilder, nodeHash, rootFromProof, type Head } from './merkle.js';

const heads = (n: number): Head[] =>
  Array.from({ length: n }, (_, i) => ({ streamId: `s-${String(i).padStart(4, '0')}`, version: i % 7, hash: createHash('sha256').update(String(i)).digest('hex') }));

describe('Merkle tree of stream heads', () => {
  it('hashes a leaf as SHA-256(0x00 ‖ JSON [streamId, version, hash]) and a node as SHA-256(0x01 ‖ left ‖ right)', () => {
    const h = { streamId: 'subscriber-a', version: 3, hash: 'ab'.repeat(32) };
    const leaf = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(`["subscriber-a",3,"${'ab'.repeat(32)}"]`)])).digest();
    expect(leafHash(h)).toEqual(leaf);
    expect(merkleRoot([h])).toBe(leaf.toString('hex'));
    const [a, b, c] = heads(3);
    const ab = nodeHash(leafHash(a), leafHash(b));
    expect(ab).toEqual(createHash('sha256').update(Buffer.concat([Buffer.from([1]), leafHash(a), leafHash(b)])).digest());
    // Three leaves: the odd last one is carried up unchanged, then paired.
    expect(merkleRoot([a, b, c])).toBe(nodeHash(ab, leafHash(c)).toString('hex'));
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
  });

  it('every leaf of trees of 1 to 40 leaves has a proof that rebuilds the root, and no other head does', () => {
    for (let n = 1; n <= 40; n++) {
      const all = heads(n);
      const root = merkleRoot(all);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(all, i);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(rootFromProof(all[i], proof)).toBe(root);
        expect(rootFromProof({ ...all[i], version: all[i].version + 1 }, proof)).not.toBe(root);
      }
    }
  });

  it('the streaming builder gives the level-by-level root for every count from 0 to 300, holding a digest per level', () => {
    for (let n = 0; n <= 300; n++) {
      const all = heads(n);
      const builder = new MerkleRootBuilder();
      for (const h of all) builder.push(h);
      expect(builder.count).toBe(n);
      expect(builder.root()).toBe(merkleRoot(all));
    }
  });

  it('the streaming builder refuses heads out of stream order (its root would be another tree\'s)', () => {
    const [a, b] = heads(2);
    const builder = new MerkleRootBuilder();
    builder.push(b);
    expect(() => builder.push(a)).toThrow(/out of stream order/);
  });

  it('any change of a head, a removed head or an added one changes the root', () => {
    const all = heads(9);
    const root = merkleRoot(all);
    for (let i = 0; i < all.length; i++) {
      expect(merkleRoot(all.map((h, j) => (j === i ? { ...h, hash: 'f'.repeat(64) } : h)))).not.toBe(root);
      expect(merkleRoot(all.filter((_, j) => j !== i))).not.toBe(root);
    }
    expect(merkleRoot([...all, { streamId: 's-9999', version: 0, hash: '0'.repeat(64) }])).not.toBe(root);
  });
});

describe('checkpoint signature', () => {
  const { key } = generateSigningKey();
  const body = { position: '4000000000123', at: '2026-12-01T10:00:00.000Z', streams: 2, headsRoot: 'a'.repeat(64) };

  it('signs the canonical JSON of {at, headsRoot, keyId, position, streams} with Ed25519', () => {
    const cp = signCheckpoint(body, key);
    expect(Object.keys(cp)).toEqual(['position', 'at', 'streams', 'headsRoot', 'keyId', 'signature']);
    expect(checkpointMessage(cp)).toBe(`{"at":"2026-12-01T10:00:00.000Z","headsRoot":"${'a'.repeat(64)}","keyId":"${key.keyId}","position":"4000000000123","streams":2}`);
    expect(verifyCheckpointSignature(cp, key.publicKeyPem)).toBe(true);
    for (const forged of [{ ...cp, streams: 3 }, { ...cp, position: '4000000000124' }, { ...cp, headsRoot: 'b'.repeat(64) }, { ...cp, at: '2026-12-01T10:00:01.000Z' }]) {
      expect(verifyCheckpointSignature(forged, key.publicKeyPem)).toBe(false);
    }
    expect(verifyCheckpointSignature(cp, generateSigningKey().key.publicKeyPem)).toBe(false);
    expect(parseCheckpoint(JSON.parse(JSON.stringify(cp)))).toEqual(cp);
    expect(() => parseCheckpoint({ ...cp, position: 12 })).toThrow(/position/);
  });

  it('keyId is the fingerprint of the public key: a keyring refuses a key under another id', () => {
    expect(keyIdOf(key.publicKeyPem)).toBe(key.keyId);
    expect(key.keyId).toMatch(/^[0-9a-f]{32}$/);
    const other = generateSigningKey().key;
    const keyring = new Keyring(undefined);
    expect(keyring.add({ keyId: key.keyId, publicKey: other.publicKeyPem })).toBe(false);
    expect(keyring.add({ keyId: other.keyId, publicKey: other.publicKeyPem })).toBe(true);
    expect(keyring.publicKey(other.keyId)).toBe(other.publicKeyPem);
  });
});
