import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreePaymentArrangementHandler } from './agree-payment-arrangement/agree-payment-arrangement.command.js';
import { ChangePlanHandler } from './change-plan/change-plan.command.js';
import { EnrollSubscriberHandler } from './enroll-subscriber/enroll-subscriber.command.js';
import { GetSubscriberHandler } from './get-subscriber/get-subscriber.query.js';
import { IssueInvoiceHandler } from './issue-invoice/issue-invoice.command.js';
import { LogComplaintHandler } from './log-complaint/log-complaint.command.js';
import { MigrateClientHandler } from './migrate-client/migrate-client.command.js';
import { ReactivateSubscriberHandler } from './reactivate-subscriber/reactivate-subscriber.command.js';
import { RecordCostToServeHandler } from './record-cost-to-serve/record-cost-to-serve.command.js';
import { RecordMissedPaymentHandler } from './record-missed-payment/record-missed-payment.command.js';
import { RecordPaymentHandler } from './record-payment/record-payment.command.js';
import { ReinstateServiceHandler } from './reinstate-service/reinstate-service.command.js';
import { RequestCancellationHandler } from './request-cancellation/request-cancellation.command.js';
import { SendPaymentReminderHandler } from './send-payment-reminder/send-payment-reminder.command.js';
import { SubscribersController } from './subscribers.controller.js';
import { SuspendServiceHandler } from './suspend-service/suspend-service.command.js';
import { WriteOffDebtHandler } from './write-off-debt/write-off-debt.command.js';

/** The subscriber's command routes and `GET /v1/subscribers/:id`, each use case a handler on the buses. */
@Module({
  imports: [CqrsModule],
  controllers: [SubscribersController],
  providers: [
    EnrollSubscriberHandler,
    IssueInvoiceHandler,
    RecordPaymentHandler,
    RecordMissedPaymentHandler,
    SendPaymentReminderHandler,
    AgreePaymentArrangementHandler,
    SuspendServiceHandler,
    ReinstateServiceHandler,
    WriteOffDebtHandler,
    RecordCostToServeHandler,
    LogComplaintHandler,
    ChangePlanHandler,
    MigrateClientHandler,
    RequestCancellationHandler,
    ReactivateSubscriberHandler,
    GetSubscriberHandler,
  ],
})
export class SubscribersModule {}
