/**
 * The notice letter (domain.md §1 "Terminating a client is done right"): drafted from the case's
 * own data — its specific reasons, the effective date, the recommended provider, the offer of
 * transition documentation and thanks for the relationship — and never a personal judgement. The
 * operator edits the draft before printing; nothing of it is stored.
 */
import type { CaseView, SubscriberView } from '../api/views.js';
import { formatDay, type Locale } from './format.js';

type LetterSubscriber = Pick<SubscriberView, 'name' | 'subscriberId'>;

interface Words {
  greeting(name: string): string;
  providerIntro(date: string): string;
  reasonsIntro: string;
  recommend(provider: string): string;
  transition: string;
  noTransition: string;
  clientIntro(date: string): string;
  clientReason(reason: string): string;
  clientTransition: string;
  thanks: string;
  comeBack: string;
  closing: string;
  signature: string;
  reference(caseId: string, subscriberId: string): string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    greeting: (name) => `Dear ${name},`,
    providerIntro: (date) => `We are writing to give you notice that our service to you will end on ${date}. Until that date your service continues as usual, and every agreement between us is honoured.`,
    reasonsIntro: 'We have reached this decision for the following reasons:',
    recommend: (provider) => `So that you are not left without the service, we recommend ${provider}, who can take over from us.`,
    transition: 'We will gladly provide the documentation you or your new provider need for a smooth transition: just ask us.',
    noTransition: 'If you need any information for the transition, please contact us.',
    clientIntro: (date) => `We confirm that, as you decided, your service with us will end on ${date}. Until that date your service continues as usual.`,
    clientReason: (reason) => `We have noted your reason: ${reason}.`,
    clientTransition: 'We will gladly provide any documentation you or your new provider need for the transition: just ask us.',
    thanks: 'Thank you for the time you have been with us. It has been a pleasure to serve you.',
    comeBack: 'Should your circumstances change, you will be welcome back.',
    closing: 'Kind regards,',
    signature: '[Name, position]',
    reference: (caseId, subscriberId) => `Reference: case ${caseId}, client ${subscriberId}`,
  },
  es: {
    greeting: (name) => `Estimado/a ${name}:`,
    providerIntro: (date) => `Le escribimos para comunicarle con antelación que nuestro servicio finalizará el ${date}. Hasta esa fecha el servicio continúa con normalidad y se respetan todos los acuerdos entre nosotros.`,
    reasonsIntro: 'Hemos tomado esta decisión por los siguientes motivos:',
    recommend: (provider) => `Para que no se quede sin servicio, le recomendamos a ${provider}, que puede continuar donde nosotros lo dejamos.`,
    transition: 'Le facilitaremos con gusto la documentación que usted o su nuevo proveedor necesiten para una transición sin contratiempos: solo tiene que pedírnosla.',
    noTransition: 'Si necesita cualquier información para la transición, no dude en contactarnos.',
    clientIntro: (date) => `Le confirmamos que, según su decisión, su servicio con nosotros finalizará el ${date}. Hasta esa fecha el servicio continúa con normalidad.`,
    clientReason: (reason) => `Hemos tomado nota de su motivo: ${reason}.`,
    clientTransition: 'Le facilitaremos con gusto la documentación que usted o su nuevo proveedor necesiten para la transición: solo tiene que pedírnosla.',
    thanks: 'Le agradecemos el tiempo que ha confiado en nosotros. Ha sido un placer atenderle.',
    comeBack: 'Si sus circunstancias cambian, será bienvenido/a de nuevo.',
    closing: 'Atentamente,',
    signature: '[Nombre, cargo]',
    reference: (caseId, subscriberId) => `Referencia: caso ${caseId}, cliente ${subscriberId}`,
  },
};

/** Why a case has no letter yet: neither an approved termination nor a rejected retention plan. */
export function letterAvailable(kase: CaseView): boolean {
  return (kase.approval !== null && kase.recommendation !== null) || kase.rejection !== null;
}

/**
 * The draft, or null when the case has nothing to give notice of. `today` (YYYY-MM-DD) dates the
 * letter; it is an input so the draft is reproducible.
 */
export function draftNoticeLetter(kase: CaseView, subscriber: LetterSubscriber, locale: Locale, today: string): string | null {
  const w = WORDS[locale];
  const day = (d: string) => formatDay(d, locale);
  const head = [day(today), '', w.greeting(subscriber.name), ''];
  const tail = ['', w.thanks, w.comeBack, '', w.closing, '', w.signature, '', w.reference(kase.caseId, subscriber.subscriberId)];
  if (kase.approval && kase.recommendation) {
    const r = kase.recommendation;
    const body = [w.providerIntro(day(r.effectiveDate)), '', w.reasonsIntro, ...r.reasons.map((reason) => `- ${reason}`), ''];
    if (r.recommendedProvider) body.push(w.recommend(r.recommendedProvider));
    body.push(r.transitionSupport ? w.transition : w.noTransition);
    return [...head, ...body, ...tail].join('\n');
  }
  if (kase.rejection) {
    const body = [w.clientIntro(day(kase.rejection.effectiveDate)), w.clientReason(kase.rejection.reason), '', w.clientTransition];
    return [...head, ...body, ...tail].join('\n');
  }
  return null;
}
