import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from './api/client.js';
import { useMe } from './api/queries.js';
import { currentKey, onSessionChange, signOut, type SessionEnd } from './api/session.js';
import { useI18n } from './i18n/i18n.js';
import { LOCALES } from './i18n/messages.js';
import { accessOf, type Access } from './lib/access.js';
import { hrefTo, parseRoute, type Route } from './lib/route.js';
import { Loading, ErrorNotice } from './components/Status.js';
import { SignIn } from './screens/SignIn.js';
import { Dashboard } from './screens/Dashboard.js';
import { Clients } from './screens/Clients.js';
import { SalesReps } from './screens/SalesReps.js';
import { ClientScreen } from './screens/Client.js';
import { CaseScreen } from './screens/Case.js';
import { CasesScreen } from './screens/Cases.js';
import { LiveFeed } from './screens/LiveFeed.js';
import { WorkQueues } from './screens/WorkQueues.js';
import { Approvals } from './screens/Approvals.js';
import { EnrolScreen } from './screens/Operations.js';
import { LetterScreen } from './screens/Letter.js';
import { useApprovals, useQueueCounts } from './api/operations.js';

function useHashRoute(): Route {
  const hash = useSyncExternalStore(
    (notify) => {
      window.addEventListener('hashchange', notify);
      return () => window.removeEventListener('hashchange', notify);
    },
    () => window.location.hash,
  );
  return parseRoute(hash);
}

function useSession(): { key: string | null; ended: SessionEnd | null } {
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ key: string | null; ended: SessionEnd | null }>({ key: currentKey(), ended: null });
  useEffect(
    () =>
      onSessionChange((key, reason) => {
        // A new key must never see the previous key's cached answers.
        queryClient.clear();
        setState({ key, ended: key ? null : (reason ?? null) });
      }),
    [queryClient],
  );
  return state;
}

export function App() {
  const { t } = useI18n();
  const session = useSession();
  const me = useMe(session.key !== null);
  if (session.key === null) return <SignIn ended={session.ended} />;
  if (me.isPending) return <Loading />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) return <SignIn ended="refused" />;
    return <ErrorNotice error={me.error} retry={() => void me.refetch()} />;
  }
  return <Shell access={accessOf(me.data.roles)} keyId={me.data.keyId} roles={me.data.roles} signOutLabel={t('nav.signOut')} />;
}

function Shell({ access, keyId, roles, signOutLabel }: { access: Access; keyId: string; roles: readonly string[]; signOutLabel: string }) {
  const { t, locale, setLocale } = useI18n();
  const route = useHashRoute();
  const [goTo, setGoTo] = useState('');
  const counts = useQueueCounts(access.operate);
  const approvals = useApprovals(access.approve);
  const waiting = counts.data ? Object.values(counts.data.counts).reduce((a, b) => a + b, 0) : '…';
  const links: Array<{ href: string; label: string; active: boolean; show: boolean }> = [
    { href: hrefTo('queues'), label: t('nav.queues', { count: waiting }), active: route.name === 'queues', show: access.operate },
    { href: hrefTo('approvals'), label: t('nav.approvals', { count: approvals.data ? approvals.data.pages[0]!.items.length + (approvals.data.pages[0]!.nextCursor ? '+' : '') : '…' }), active: route.name === 'approvals', show: access.approve },
    { href: hrefTo('enrol'), label: t('nav.enrol'), active: route.name === 'enrol', show: access.operate },
    { href: hrefTo('dashboard'), label: t('nav.dashboard'), active: route.name === 'dashboard', show: access.analytics },
    { href: hrefTo('clients'), label: t('nav.clients'), active: route.name === 'clients' || route.name === 'client', show: access.analytics },
    { href: hrefTo('sales-reps'), label: t('nav.salesReps'), active: route.name === 'sales-reps', show: access.analytics },
    { href: hrefTo('cases'), label: t('nav.cases'), active: route.name === 'cases' || route.name === 'case', show: access.cases },
    { href: hrefTo('feed'), label: t('nav.feed'), active: route.name === 'feed', show: access.feed },
  ];
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (goTo.trim()) window.location.hash = hrefTo('clients', goTo.trim());
  };
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <strong className="brand">{t('app.title')}</strong>
        <nav aria-label={t('app.title')}>
          <ul>
            {links
              .filter((l) => l.show)
              .map((l) => (
                <li key={l.href}>
                  <a href={l.href} aria-current={l.active ? 'page' : undefined}>
                    {l.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        {access.clientState ? (
          <form role="search" onSubmit={open} className="goto">
            <label>
              <span className="visually-hidden">{t('clients.searchPlaceholder')}</span>
              <input value={goTo} onChange={(e) => setGoTo(e.target.value)} placeholder={t('clients.searchPlaceholder')} name="goto" />
            </label>
          </form>
        ) : null}
        <label className="lang">
          <span className="visually-hidden">{t('nav.language')}</span>
          <select value={locale} onChange={(e) => setLocale(e.target.value as typeof locale)} aria-label={t('nav.language')}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : 'Español'}
              </option>
            ))}
          </select>
        </label>
        <span className="who">{t('nav.signedInAs', { key: keyId, roles: roles.join(', ') })}</span>
        <button type="button" onClick={() => signOut()}>
          {signOutLabel}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} access={access} />
      </main>
    </>
  );
}

function Screen({ route, access }: { route: Route; access: Access }) {
  const { t } = useI18n();
  const forbidden = (roles: string) => <p role="alert">{t('common.forbidden', { roles })}</p>;
  switch (route.name) {
    case 'dashboard':
      // Each role's home: operators their work queues, executives their approvals.
      if (access.operate && !access.analytics) return <WorkQueues query={route.query} />;
      if (access.approve && !access.analytics) return <Approvals />;
      if (!access.analytics) return access.cases ? <CasesScreen /> : access.feed ? <LiveFeed /> : forbidden('analyst');
      return <Dashboard />;
    case 'queues':
      return access.operate ? <WorkQueues query={route.query} /> : forbidden('operator');
    case 'approvals':
      return access.approve ? <Approvals /> : forbidden('executive');
    case 'enrol':
      return access.operate ? <EnrolScreen /> : forbidden('operator');
    case 'letter':
      return access.clientState && access.caseDetail ? <LetterScreen id={route.id} /> : forbidden('operator');
    case 'clients':
      return access.analytics ? <Clients canOpen={access.clientState} /> : forbidden('analyst');
    case 'sales-reps':
      return access.analytics ? <SalesReps /> : forbidden('analyst');
    case 'client':
      return access.clientState ? <ClientScreen id={route.id} asOf={route.query.get('asOf')} access={access} /> : forbidden('operator, auditor');
    case 'cases':
      return access.cases ? <CasesScreen /> : forbidden('operator, auditor');
    case 'case':
      return access.caseDetail ? <CaseScreen id={route.id} access={access} /> : forbidden('operator, executive, auditor');
    case 'feed':
      return access.feed ? <LiveFeed /> : forbidden('auditor, service');
    case 'not-found':
      return <p>{t('common.notFound')}</p>;
    default: {
      const never: never = route;
      return never;
    }
  }
}
