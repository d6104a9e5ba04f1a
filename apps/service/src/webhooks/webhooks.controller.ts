import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isDomainEventType } from '@libs/domain';
import { comparePositions, STREAM_NAME_PATTERN, type EventStore } from '@libs/event-store';
import { decodeCursor, encodeCursor, PAGE_LIMIT } from '@libs/projections';
import { checkWebhookUrl, ROTATION_OVERLAP_MS, type RelayHost, type WebhookRecord } from '@libs/relay';
import { invalidInput, type FieldError } from '../feed/envelope.js';
import { BEARER_SCHEME } from '../http/openapi-constants.js';
import { ProblemDto } from '../http/openapi.js';
import { EVENT_STORE, RELAY } from '../infrastructure/tokens.js';
import { CreateWebhookDto, ReplayWebhookDto, UpdateWebhookDto } from './webhooks.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ATTEMPTS_SCOPE = 'webhook-attempts';

/**
 * `/v1/webhooks` (admin): push subscriptions. Changes are written to the table and picked up by
 * whichever process delivers (at once when it is this one).
 */
@ApiTags('webhooks')
@ApiBearerAuth(BEARER_SCHEME)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    @Inject(RELAY) private readonly relay: RelayHost,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  private async found(id: string): Promise<WebhookRecord> {
    const record = UUID.test(id) ? await this.relay.webhooks.store.get(id) : undefined;
    if (!record) throw new NotFoundException(`no webhook subscription ${id}`);
    return record;
  }

  private async validate(input: { url?: string; types?: string[]; stream?: string }): Promise<void> {
    const errors: FieldError[] = [];
    if (input.url !== undefined) {
      const problem = await checkWebhookUrl(input.url, this.relay.config.webhooks.allowPrivate);
      if (problem) errors.push({ field: 'url', message: problem });
    }
    const unknown = (input.types ?? []).filter((t) => !isDomainEventType(t));
    if (unknown.length > 0) errors.push({ field: 'types', message: `unknown event types: ${unknown.join(', ')} (see GET /v1/events/schemas)` });
    if (input.stream !== undefined && !STREAM_NAME_PATTERN.test(input.stream)) errors.push({ field: 'stream', message: 'must be a stream-name prefix, e.g. "subscriber-" or "case-"' });
    if (errors.length > 0) invalidInput(errors);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Subscribe an endpoint to the lifecycle events (admin); the `whsec_` secret is shown only in this answer', description: 'Delivery starts with the events written after this call; replay from a position for older ones.' })
  @ApiResponse({ status: 201, description: 'the subscription, with its secret' })
  @ApiResponse({ status: 400, type: ProblemDto })
  async create(@Body() body: CreateWebhookDto, @Res({ passthrough: true }) res: ServerResponse) {
    await this.validate(body);
    const types = body.types ? [...new Set(body.types)] : null;
    const record = await this.relay.webhooks.store.create({ url: body.url, types, stream: body.stream ?? null, description: body.description ?? null }, await this.store.headPosition());
    await this.relay.changed();
    res.setHeader('Location', `/v1/webhooks/${record.id}`);
    return { ...(await this.relay.webhooks.view(record)), secret: record.secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every webhook subscription with its status, checkpoint, lag and last attempt (admin)' })
  async list() {
    const records = await this.relay.webhooks.store.list();
    return { webhooks: await Promise.all(records.map((r) => this.relay.webhooks.view(r))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription: status, checkpoint, lag, last attempt (admin)' })
  @ApiResponse({ status: 404, type: ProblemDto })
  async get(@Param('id') id: string) {
    return this.relay.webhooks.view(await this.found(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Re-enable (`status: active`), disable, or change the URL or types of a subscription (admin)' })
  @ApiResponse({ status: 400, type: ProblemDto })
  @ApiResponse({ status: 404, type: ProblemDto })
  async update(@Param('id') id: string, @Body() body: UpdateWebhookDto) {
    await this.found(id);
    await this.validate(body);
    const record = await this.relay.webhooks.store.update(id, { status: body.status, url: body.url, types: body.types ? [...new Set(body.types)] : undefined });
    if (!record) throw new NotFoundException(`no webhook subscription ${id}`);
    await this.relay.changed();
    return this.relay.webhooks.view(record);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop delivery and remove the subscription, its attempts and its checkpoint (admin)' })
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiResponse({ status: 404, type: ProblemDto })
  async remove(@Param('id') id: string): Promise<void> {
    await this.found(id);
    await this.relay.webhooks.store.delete(id);
    await this.relay.changed();
  }

  @Post(':id/secret-rotation')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A new secret (shown only here); for 24 h the previous one signs too: two signatures in webhook-signature (admin)' })
  @ApiResponse({ status: 200, description: 'the new secret and until when the previous one signs' })
  @ApiResponse({ status: 404, type: ProblemDto })
  async rotate(@Param('id') id: string) {
    await this.found(id);
    const record = await this.relay.webhooks.store.rotateSecret(id, ROTATION_OVERLAP_MS);
    if (!record) throw new NotFoundException(`no webhook subscription ${id}`);
    await this.relay.changed();
    return { id, secret: record.secret, previousSecretExpiresAt: record.previousSecretUntil };
  }

  @Get(':id/attempts')
  @ApiOperation({ summary: 'Delivery attempts, newest first: event id, position, attempt number, status code or error, latency, at, a response excerpt (admin)' })
  @ApiResponse({ status: 400, type: ProblemDto })
  @ApiResponse({ status: 404, type: ProblemDto })
  async attempts(@Param('id') id: string, @Query('cursor') cursor?: unknown, @Query('limit') limit?: unknown) {
    await this.found(id);
    const errors: FieldError[] = [];
    let size: number = PAGE_LIMIT.default;
    if (limit !== undefined) {
      if (typeof limit !== 'string' || !/^[0-9]{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > PAGE_LIMIT.max) errors.push({ field: 'limit', message: `must be an integer from 1 to ${PAGE_LIMIT.max}` });
      else size = Number(limit);
    }
    if (cursor !== undefined && typeof cursor !== 'string') errors.push({ field: 'cursor', message: 'must be given once' });
    if (errors.length > 0) invalidInput(errors);
    const before = typeof cursor === 'string' && cursor !== '' ? String(decodeCursor(cursor, ATTEMPTS_SCOPE, 1)[0]) : undefined;
    if (before !== undefined && !/^[0-9]{1,19}$/.test(before)) invalidInput([{ field: 'cursor', message: 'the cursor is not one a previous page of this list returned' }]);
    const rows = await this.relay.webhooks.store.attempts(id, { before, limit: size + 1 });
    const page = rows.slice(0, size);
    const out = page.map(({ id: _id, ...a }) => a);
    return rows.length > size ? { attempts: out, nextCursor: encodeCursor(ATTEMPTS_SCOPE, [page[page.length - 1]!.id]) } : { attempts: out };
  }

  @Post(':id/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Redeliver every matching event after a position: moves the checkpoint back (admin)' })
  @ApiResponse({ status: 200, description: 'the checkpoint moved back' })
  @ApiResponse({ status: 400, type: ProblemDto })
  @ApiResponse({ status: 404, type: ProblemDto })
  async replay(@Param('id') id: string, @Body() body: ReplayWebhookDto) {
    await this.found(id);
    const checkpoint = await this.relay.webhooks.store.checkpoint(id);
    if (comparePositions(body.after, checkpoint) > 0) {
      invalidInput([{ field: 'after', message: `is past the subscription's checkpoint (${checkpoint}): a replay only moves it back` }]);
    }
    await this.relay.webhooks.store.replay(id, body.after);
    await this.relay.replayed(id);
    return { id, checkpoint: body.after, previousCheckpoint: checkpoint };
  }
}
