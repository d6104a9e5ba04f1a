/**
 * The HTTP bodies hold the same bounds as the domain's contract kit: for every command of the kit
 * that has a body, each field the body shares with the command's TypeBox schema describes (through
 * its validators, as the OpenAPI document does) the same length, range, list size, pattern, format
 * and vocabulary. A DTO that drifts from the kit fails here, naming the field.
 */
import { CONTRACT_LIMITS, CURRENCIES, commandContracts, type CommandType } from '@libs/domain';
import { describe as describeSchema, rulesOf } from './openapi/validator-schema.js';
import type { JsonSchema } from './openapi/json-schema.js';
import { AgreeRetentionPlanDto } from '../cases/agree-retention-plan/agree-retention-plan.dto.js';
import { AnalyzeUsageDto } from '../cases/analyze-usage/analyze-usage.dto.js';
import { ApproveTerminationDto } from '../cases/approve-termination/approve-termination.dto.js';
import { CloseCaseDto } from '../cases/close-case/close-case.dto.js';
import { DocumentIncidentDto } from '../cases/document-incident/document-incident.dto.js';
import { OpenCaseDto } from '../cases/open-case/open-case.dto.js';
import { ProposeRetentionPlanDto, RetentionActionDto } from '../cases/propose-retention-plan/propose-retention-plan.dto.js';
import { RecommendTerminationDto } from '../cases/recommend-termination/recommend-termination.dto.js';
import { RejectRetentionPlanDto } from '../cases/reject-retention-plan/reject-retention-plan.dto.js';
import { TakeRemedyStepDto } from '../cases/take-remedy-step/take-remedy-step.dto.js';
import { AgreePaymentArrangementDto } from '../subscribers/agree-payment-arrangement/agree-payment-arrangement.dto.js';
import { ChangePlanDto } from '../subscribers/change-plan/change-plan.dto.js';
import { EnrollSubscriberDto, QualificationDto, QualificationOverrideDto } from '../subscribers/enroll-subscriber/enroll-subscriber.dto.js';
import { IssueInvoiceDto } from '../subscribers/issue-invoice/issue-invoice.dto.js';
import { LogComplaintDto } from '../subscribers/log-complaint/log-complaint.dto.js';
import { MigrateClientDto } from '../subscribers/migrate-client/migrate-client.dto.js';
import { PlanDto, PlanTermsDto } from '../subscribers/plan.dto.js';
import { ReactivateSubscriberDto } from '../subscribers/reactivate-subscriber/reactivate-subscriber.dto.js';
import { RecordCostToServeDto } from '../subscribers/record-cost-to-serve/record-cost-to-serve.dto.js';
import { RecordMissedPaymentDto } from '../subscribers/record-missed-payment/record-missed-payment.dto.js';
import { RecordPaymentDto } from '../subscribers/record-payment/record-payment.dto.js';
import { ReinstateServiceDto } from '../subscribers/reinstate-service/reinstate-service.dto.js';
import { RequestCancellationDto } from '../subscribers/request-cancellation/request-cancellation.dto.js';
import { SendPaymentReminderDto } from '../subscribers/send-payment-reminder/send-payment-reminder.dto.js';
import { SuspendServiceDto } from '../subscribers/suspend-service/suspend-service.dto.js';
import { WriteOffDebtDto } from '../subscribers/write-off-debt/write-off-debt.dto.js';

/** The body of each command that has a route; the others are issued by policies and the scheduler only. */
const BODIES: Partial<Record<CommandType, Function>> = {
  EnrollSubscriber: EnrollSubscriberDto,
  IssueInvoice: IssueInvoiceDto,
  RecordPayment: RecordPaymentDto,
  RecordMissedPayment: RecordMissedPaymentDto,
  SendPaymentReminder: SendPaymentReminderDto,
  AgreePaymentArrangement: AgreePaymentArrangementDto,
  SuspendService: SuspendServiceDto,
  ReinstateService: ReinstateServiceDto,
  WriteOffDebt: WriteOffDebtDto,
  RecordCostToServe: RecordCostToServeDto,
  LogComplaint: LogComplaintDto,
  ChangePlan: ChangePlanDto,
  MigrateClient: MigrateClientDto,
  RequestCancellation: RequestCancellationDto,
  ReactivateSubscriber: ReactivateSubscriberDto,
  OpenCase: OpenCaseDto,
  DocumentIncident: DocumentIncidentDto,
  TakeRemedyStep: TakeRemedyStepDto,
  SkipRemedyStep: TakeRemedyStepDto,
  AnalyzeUsage: AnalyzeUsageDto,
  ProposeRetentionPlan: ProposeRetentionPlanDto,
  AgreeRetentionPlan: AgreeRetentionPlanDto,
  RejectRetentionPlan: RejectRetentionPlanDto,
  RecommendTermination: RecommendTerminationDto,
  ApproveTermination: ApproveTerminationDto,
  CloseCase: CloseCaseDto,
};

/** Nested bodies, by the property that holds them. */
const NESTED = new Map<Function, Record<string, Function>>([
  [EnrollSubscriberDto, { plan: PlanDto, qualification: QualificationDto, override: QualificationOverrideDto }],
  [ChangePlanDto, { to: PlanTermsDto }],
  [MigrateClientDto, { toPlan: PlanDto }],
  [ReactivateSubscriberDto, { plan: PlanDto }],
  [ProposeRetentionPlanDto, { actions: RetentionActionDto }],
]);

const BOUNDS = ['type', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'minItems', 'maxItems', 'uniqueItems'] as const;

/** The bound keywords of a schema, an enum (or a union of constants) as its sorted values. */
function bounds(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of BOUNDS) if (schema[k] !== undefined) out[k] = schema[k];
  const values = Array.isArray(schema.enum) ? schema.enum : Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]).map((s) => s.const) : undefined;
  if (values) {
    out['enum'] = [...values].map(String).sort();
    delete out['type'];
  }
  return out;
}

/** Walks a TypeBox object schema and its DTO class side by side; pushes one line per field compared. */
function compare(schema: JsonSchema, dto: Function, path: string, compared: string[], drift: string[]): void {
  const rules = rulesOf(dto);
  for (const [name, field] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const fieldRules = rules.get(name);
    if (!fieldRules) continue; // a path id, or set by the service (openedBy, approvedBy)
    const described: JsonSchema = {};
    describeSchema(described, fieldRules);
    const where = `${path}.${name}`;
    const nestedDto = NESTED.get(dto)?.[name];
    const element = field.type === 'array' ? (field.items as JsonSchema) : field;
    if (element.type === 'object') {
      if (!nestedDto) drift.push(`${where}: object field without a nested DTO in this spec`);
      else compare(element, nestedDto, where, compared, drift);
      if (field.type === 'array') expectSame(where, { ...bounds(field), items: undefined }, { ...bounds(described), items: undefined }, drift);
      compared.push(where);
      continue;
    }
    expectSame(where, bounds(field), bounds(described), drift);
    if (field.type === 'array') expectSame(`${where}[]`, bounds(field.items as JsonSchema), bounds((described.items ?? {}) as JsonSchema), drift);
    compared.push(where);
  }
}

function expectSame(where: string, kit: Record<string, unknown>, dto: Record<string, unknown>, drift: string[]): void {
  const a = JSON.stringify(kit, Object.keys(kit).sort());
  const b = JSON.stringify(dto, Object.keys(dto).sort());
  if (a !== b) drift.push(`${where}: kit ${a} ≠ DTO ${b}`);
}

describe('HTTP bodies and the contract kit', () => {
  it('given every command of the kit with a body, when its DTO is described, then each shared field has the kit’s bounds', () => {
    const compared: string[] = [];
    const drift: string[] = [];
    for (const [type, contract] of Object.entries(commandContracts) as Array<[CommandType, { schema: unknown }]>) {
      const dto = BODIES[type];
      if (dto) compare(contract.schema as JsonSchema, dto, type, compared, drift);
    }
    expect(drift).toEqual([]);
    // Not vacuous: the bodies' fields were met (every text, money, list, date and vocabulary kind).
    expect(compared.length).toBeGreaterThan(60);
    for (const field of ['EnrollSubscriber.plan.currency', 'IssueInvoice.period', 'IssueInvoice.amount', 'RecordCostToServe.minutes', 'WriteOffDebt.invoiceIds', 'ProposeRetentionPlan.actions.dueDate', 'EnrollSubscriber.name', 'LogComplaint.description']) {
      expect(compared).toContain(field);
    }
  });

  it('given the kit, then its bounds are the ones the DTOs enforce (text 2,000 / line 200, money < 10^12, the ISO-4217 list)', () => {
    const described: JsonSchema = {};
    describeSchema(described, rulesOf(LogComplaintDto).get('description')!);
    expect(described.maxLength).toBe(CONTRACT_LIMITS.text.maxLength);
    const fee: JsonSchema = {};
    describeSchema(fee, rulesOf(PlanDto).get('monthlyFee')!);
    expect(fee.maximum).toBe(CONTRACT_LIMITS.money.maximum);
    const currency: JsonSchema = {};
    describeSchema(currency, rulesOf(PlanDto).get('currency')!);
    expect(currency.enum).toEqual([...CURRENCIES]);
  });
});
