import { Controller, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SigningUnavailableError, type Checkpoint, type CheckpointLedger } from '@libs/audit';
import { Roles } from '../auth/roles.decorator.js';
import { Accounted } from './accounted.js';
import { HttpProblem } from '../http/problem.js';
import { AUDIT_LEDGER } from '../infrastructure/tokens.js';
import { AuditPageQueryDto, pageOf } from './evidence.dto.js';

export interface CheckpointPage {
  checkpoints: Checkpoint[];
  nextCursor?: string;
}

export interface PublicKeys {
  /** The key new checkpoints are signed with; null when this service signs none. */
  signingKeyId: string | null;
  keys: Array<{ keyId: string; publicKey: string; current: boolean }>;
}

/**
 * Signed checkpoints and their keys (domain.md §7, docs/auditors.md "Checkpoints"): sign one now
 * (admin), list them newest first and read the public keys (auditor). A listed checkpoint is
 * exactly the JSON `npm run audit -- verify --all --checkpoint <file>` takes.
 */
@ApiTags('audit')
@Controller('v1/audit')
@Accounted('evidence')
export class EvidenceController {
  constructor(@Inject(AUDIT_LEDGER) private readonly ledger: CheckpointLedger) {}

  @Post('checkpoints')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Sign a checkpoint of the log now: head position, stream count, Merkle root of every stream head (admin)' })
  async sign(@Res({ passthrough: true }) res: ServerResponse): Promise<Checkpoint> {
    try {
      const { id, checkpoint } = await this.ledger.create();
      res.setHeader('Location', `/v1/audit/checkpoints/${id}`);
      return checkpoint;
    } catch (error) {
      if (error instanceof SigningUnavailableError) throw new HttpProblem(503, error.code, error.message);
      throw error;
    }
  }

  @Get('checkpoints')
  @Roles('auditor')
  @ApiOperation({ summary: 'The signed checkpoints, newest first, paged by cursor (auditor)' })
  async list(@Query() q: AuditPageQueryDto): Promise<CheckpointPage> {
    const page = pageOf(q);
    const rows = await this.ledger.list({ limit: page.limit + 1, before: page.before });
    const more = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    return { checkpoints: shown.map((r) => r.checkpoint), ...(more ? { nextCursor: String(shown[shown.length - 1].id) } : {}) };
  }

  @Get('checkpoints/:id')
  @Roles('auditor')
  @ApiOperation({ summary: 'One signed checkpoint, by the id its Location gave (auditor)' })
  async one(@Param('id') id: string): Promise<Checkpoint> {
    const found = /^[1-9]\d{0,17}$/.test(id) ? await this.ledger.byId(Number(id)) : undefined;
    if (!found) throw new NotFoundException(`checkpoint ${id} not found`);
    return found.checkpoint;
  }

  @Get('public-key')
  @Roles('auditor')
  @ApiOperation({ summary: 'The Ed25519 public keys (PEM) of checkpoints and export manifests, with their keyId (auditor)' })
  async publicKeys(): Promise<PublicKeys> {
    const keyring = this.ledger.keyring;
    // Keys recorded when they signed: kept so old checkpoints stay checkable; a key whose id is
    // not its fingerprint is ignored by the keyring.
    for (const k of await this.ledger.recordedKeys()) keyring.add(k);
    const current = keyring.signing?.keyId ?? null;
    return { signingKeyId: current, keys: keyring.publicKeys().map((k) => ({ ...k, current: k.keyId === current })) };
  }
}
