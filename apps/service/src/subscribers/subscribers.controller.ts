import { Body, Controller, Get, Headers, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandResult, ExecuteOptions, SubscriberDetails } from '@libs/application';
import { Accounted } from '../audit/accounted.js';
import { Roles } from '../auth/roles.decorator.js';
import { AggregateIdPipe } from '../http/aggregate-id.pipe.js';
import { AggregateQueryDto, asOfOptions } from '../http/aggregate-query.dto.js';
import { CommandContext, newAggregateId } from '../http/command-context.js';
import type { HeaderSink } from '../http/command-result.js';
import { CommandRoute } from '../http/command-route.js';
import { ApiAggregateQuery, ApiCommand } from '../http/openapi.js';
import { notModified, type ConditionalResponse } from '../http/etag.js';
import { AgreePaymentArrangementDto } from './agree-payment-arrangement/agree-payment-arrangement.dto.js';
import { ChangePlanDto } from './change-plan/change-plan.dto.js';
import { EnrollSubscriberDto } from './enroll-subscriber/enroll-subscriber.dto.js';
import { GetSubscriberQuery } from './get-subscriber/get-subscriber.query.js';
import { IssueInvoiceDto } from './issue-invoice/issue-invoice.dto.js';
import { LogComplaintDto } from './log-complaint/log-complaint.dto.js';
import { MigrateClientDto } from './migrate-client/migrate-client.dto.js';
import { ReactivateSubscriberDto } from './reactivate-subscriber/reactivate-subscriber.dto.js';
import { RecordCostToServeDto } from './record-cost-to-serve/record-cost-to-serve.dto.js';
import { RecordMissedPaymentDto } from './record-missed-payment/record-missed-payment.dto.js';
import { RecordPaymentDto } from './record-payment/record-payment.dto.js';
import { ReinstateServiceDto } from './reinstate-service/reinstate-service.dto.js';
import { RequestCancellationDto } from './request-cancellation/request-cancellation.dto.js';
import { SendPaymentReminderDto } from './send-payment-reminder/send-payment-reminder.dto.js';
import { SuspendServiceDto } from './suspend-service/suspend-service.dto.js';
import { WriteOffDebtDto } from './write-off-debt/write-off-debt.dto.js';

/** The subscriber aggregate over HTTP: its commands (api.md) and its state. */
@ApiTags('subscribers')
@Controller('v1/subscribers')
export class SubscribersController {
  constructor(
    private readonly commands: CommandRoute,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('operator')
  @ApiCommand('Enroll a subscriber', { created: true, roles: 'operator', writes: 'SubscriberEnrolled' })
  enroll(@Body() body: EnrollSubscriberDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink): Promise<CommandResult> {
    const subscriberId = body.subscriberId ?? newAggregateId(ctx, 'subscriber');
    return this.commands.run(res, { type: 'EnrollSubscriber', data: { ...body, subscriberId } }, ctx, (id) => `/v1/subscribers/${encodeURIComponent(id)}`);
  }

  @Get(':id')
  @Roles('operator', 'auditor')
  @Accounted('state-as-of', { onlyAsOf: true })
  @ApiAggregateQuery("A subscriber's state (latest, or as of ?asOf= / ?version=)", 'operator, auditor')
  async get(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: AggregateQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: ConditionalResponse,
  ): Promise<SubscriberDetails | undefined> {
    const state = await this.queries.execute(new GetSubscriberQuery(id, asOfOptions(query)));
    return notModified(res, state.version, ifNoneMatch) ? undefined : state;
  }

  @Post(':id/invoices')
  @Roles('operator')
  @ApiCommand('Issue an invoice', { roles: 'operator', writes: 'InvoiceIssued' })
  issueInvoice(@Param('id', AggregateIdPipe) id: string, @Body() body: IssueInvoiceDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'IssueInvoice', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/payments')
  @Roles('operator')
  @ApiCommand('Record a payment', { roles: 'operator', writes: 'PaymentReceived (+ ServiceReinstated)' })
  recordPayment(@Param('id', AggregateIdPipe) id: string, @Body() body: RecordPaymentDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RecordPayment', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/missed-payments')
  @Roles('operator')
  @ApiCommand('Record a missed payment', { roles: 'operator', writes: "PaymentMissed (+ the policy's reminder / ServiceSuspended / DebtWrittenOff)" })
  recordMissedPayment(@Param('id', AggregateIdPipe) id: string, @Body() body: RecordMissedPaymentDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RecordMissedPayment', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/reminders')
  @Roles('operator')
  @ApiCommand('Send a payment reminder', { roles: 'operator', writes: 'PaymentReminderSent' })
  sendReminder(@Param('id', AggregateIdPipe) id: string, @Body() body: SendPaymentReminderDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'SendPaymentReminder', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/payment-arrangements')
  @Roles('operator')
  @ApiCommand('Agree a payment arrangement', { roles: 'operator', writes: 'PaymentArrangementAgreed' })
  agreeArrangement(@Param('id', AggregateIdPipe) id: string, @Body() body: AgreePaymentArrangementDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'AgreePaymentArrangement', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/suspension')
  @Roles('operator')
  @ApiCommand('Suspend the service', { roles: 'operator', writes: 'ServiceSuspended (+ DebtWrittenOff)' })
  suspend(@Param('id', AggregateIdPipe) id: string, @Body() body: SuspendServiceDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'SuspendService', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/reinstatement')
  @Roles('operator')
  @ApiCommand('Reinstate the service', { roles: 'operator', writes: 'ServiceReinstated' })
  reinstate(@Param('id', AggregateIdPipe) id: string, @Body() body: ReinstateServiceDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'ReinstateService', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/debt-write-offs')
  @Roles('operator')
  @ApiCommand('Write off debt', { roles: 'operator', writes: 'DebtWrittenOff' })
  writeOff(@Param('id', AggregateIdPipe) id: string, @Body() body: WriteOffDebtDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'WriteOffDebt', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/costs')
  @Roles('operator')
  @ApiCommand('Record a cost to serve', { roles: 'operator', writes: 'CostToServeRecorded (+ an unprofitable case)' })
  recordCost(@Param('id', AggregateIdPipe) id: string, @Body() body: RecordCostToServeDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RecordCostToServe', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/complaints')
  @Roles('operator')
  @ApiCommand('Log a complaint', { roles: 'operator', writes: 'ComplaintLogged' })
  logComplaint(@Param('id', AggregateIdPipe) id: string, @Body() body: LogComplaintDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'LogComplaint', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/plan-changes')
  @Roles('operator')
  @ApiCommand('Change the plan', { roles: 'operator', writes: 'PlanChanged' })
  changePlan(@Param('id', AggregateIdPipe) id: string, @Body() body: ChangePlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'ChangePlan', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/migrations')
  @Roles('operator')
  @ApiCommand('Migrate the client', { roles: 'operator', writes: 'ClientMigrated (+ SubscriberTerminated for partner)' })
  migrate(@Param('id', AggregateIdPipe) id: string, @Body() body: MigrateClientDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'MigrateClient', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/cancellation-requests')
  @Roles('operator')
  @ApiCommand('Request cancellation', { roles: 'operator', writes: 'CancellationRequested (+ a retention case)' })
  requestCancellation(@Param('id', AggregateIdPipe) id: string, @Body() body: RequestCancellationDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RequestCancellation', data: { ...body, subscriberId: id } }, ctx);
  }

  @Post(':id/reactivation')
  @Roles('operator')
  @ApiCommand('Reactivate (win back) a terminated subscriber', { roles: 'operator', writes: 'SubscriberReactivated' })
  reactivate(@Param('id', AggregateIdPipe) id: string, @Body() body: ReactivateSubscriberDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'ReactivateSubscriber', data: { ...body, subscriberId: id } }, ctx);
  }
}
