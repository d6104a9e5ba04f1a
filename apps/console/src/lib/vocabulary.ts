/**
 * The domain's closed vocabularies in words, per language. Keys mirror the API's enums; the spec
 * (vocabulary.spec.ts) checks both languages cover the same values.
 */
import type { Locale } from './format.js';

type Vocabulary = Record<string, Record<string, string>>;

const en = {
  caseKind: {
    unprofitable: 'unprofitable',
    non_payment: 'non-payment',
    complaints: 'complaints',
    time_consuming: 'time-consuming',
    unethical: 'unethical conduct',
    abusive: 'abusive conduct',
    bad_fit: 'bad fit',
    non_communicative: 'non-communicative',
    not_following_instructions: 'not following instructions',
    retention: 'retention',
  },
  remedyStep: { reassess: 'Reassess', educate: 'Educate', renegotiate: 'Renegotiate', migrate: 'Migrate' },
  remedyOutcome: { improved: 'improved', no_change: 'no change', declined: 'declined' },
  reminderTone: { friendly: 'friendly', firm: 'firm', final: 'final' },
  suspensionReason: { non_payment: 'non-payment', abuse: 'abuse', other: 'another reason' },
  costKind: {
    false_alarm: 'false alarm',
    service_visit: 'service visit',
    support_time: 'support time',
    complaint_handling: 'complaint handling',
    other: 'other cost',
  },
  planChangeReason: { renegotiated: 'renegotiated', upgrade: 'upgrade', downgrade: 'downgrade' },
  migrationTarget: { plan: 'another plan', prepaid: 'prepaid', partner: 'a partner', channel: 'another channel' },
  initiator: { provider: 'the provider', client: 'the client' },
  terminationKind: { voluntary: 'voluntary', involuntary: 'involuntary', migrated: 'migrated' },
  usageCause: {
    neglect: 'neglect',
    unaware_of_features: 'unaware of features',
    internal_organization: 'internal organisation',
    org_change: 'organisational change',
    unmet_expectations: 'unmet expectations',
    other: 'other',
  },
  caseOutcome: { resolved: 'resolved', retained: 'retained', migrated: 'migrated', terminated: 'terminated', withdrawn: 'withdrawn' },
  segment: { b2b: 'business', b2c: 'consumer' },
} satisfies Vocabulary;

const es: typeof en = {
  caseKind: {
    unprofitable: 'no rentable',
    non_payment: 'impago',
    complaints: 'quejas',
    time_consuming: 'consume demasiado tiempo',
    unethical: 'conducta poco ética',
    abusive: 'conducta abusiva',
    bad_fit: 'no encaja',
    non_communicative: 'no se comunica',
    not_following_instructions: 'no sigue las instrucciones',
    retention: 'retención',
  },
  remedyStep: { reassess: 'Reevaluar', educate: 'Formar', renegotiate: 'Renegociar', migrate: 'Migrar' },
  remedyOutcome: { improved: 'mejoró', no_change: 'sin cambios', declined: 'rechazado' },
  reminderTone: { friendly: 'amable', firm: 'firme', final: 'último aviso' },
  suspensionReason: { non_payment: 'impago', abuse: 'abuso', other: 'otro motivo' },
  costKind: {
    false_alarm: 'falsa alarma',
    service_visit: 'visita técnica',
    support_time: 'tiempo de soporte',
    complaint_handling: 'gestión de quejas',
    other: 'otro coste',
  },
  planChangeReason: { renegotiated: 'renegociado', upgrade: 'mejora', downgrade: 'reducción' },
  migrationTarget: { plan: 'otro plan', prepaid: 'prepago', partner: 'un socio', channel: 'otro canal' },
  initiator: { provider: 'el proveedor', client: 'el cliente' },
  terminationKind: { voluntary: 'voluntaria', involuntary: 'involuntaria', migrated: 'por migración' },
  usageCause: {
    neglect: 'descuido',
    unaware_of_features: 'desconoce las funciones',
    internal_organization: 'organización interna',
    org_change: 'cambio en la organización',
    unmet_expectations: 'expectativas no cumplidas',
    other: 'otra',
  },
  caseOutcome: { resolved: 'resuelto', retained: 'retenido', migrated: 'migrado', terminated: 'dado de baja', withdrawn: 'retirado' },
  segment: { b2b: 'empresa', b2c: 'particular' },
};

export const VOCABULARY: Record<Locale, typeof en> = { en, es };
export type VocabularyName = keyof typeof en;

/** A vocabulary's values (its keys, the same in every language): the options of a select or checkbox field. */
export const vocabularyValues = (name: VocabularyName): string[] => Object.keys(en[name]);

/** A value in words; an unknown value (a newer API) shows as it is rather than disappearing. */
export function word(locale: Locale, vocabulary: VocabularyName, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const table = VOCABULARY[locale][vocabulary] as Record<string, string>;
  return table[value] ?? value;
}
