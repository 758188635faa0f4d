// A turn's alerts as one compact row — a chip per kind with its count, coloured by severity, its
// cause on hover — so the proof below stays in view; a chip opens that kind's cards on demand.
import { useState } from 'react';
import type { Alert, AlertKind } from '../../../../shared/domain.ts';
import { plural } from '../../format.ts';
import { AlertCard } from './AlertCard.tsx';
import { kindLabel, useAlertKinds } from './alert-kinds.ts';

export function AlertStrip({ alerts }: { alerts: Alert[] }) {
  const kinds = useAlertKinds();
  const [open, setOpen] = useState<AlertKind | null>(null);
  if (alerts.length === 0) return null;
  const byKind = new Map<AlertKind, Alert[]>();
  for (const a of alerts) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  const shown = open ? (byKind.get(open) ?? []) : [];
  return (
    <section className="alert-strip" aria-label="Leak alerts" data-testid="alert-strip">
      <div className="row">
        <span className="muted small">{plural(alerts.length, 'alert')}:</span>
        {[...byKind].map(([kind, list]) => {
          const info = kinds.find((k) => k.kind === kind);
          const severity = list.some((a) => a.severity === 'error') ? 'error' : list[0]!.severity;
          return (
            <button
              key={kind}
              type="button"
              className={`alert-chip ${severity} ${open === kind ? 'active' : ''}`}
              aria-expanded={open === kind}
              data-testid="alert-chip"
              data-kind={kind}
              title={info ? `${info.means}\nHow to fix: ${info.fix}` : kind}
              onClick={() => setOpen(open === kind ? null : kind)}
            >
              <span className="dot" aria-hidden="true" /> {kindLabel(kinds, kind)}
              {list.length > 1 ? ` ×${list.length}` : ''}
            </button>
          );
        })}
        <span className="muted small">{open ? 'click again to close' : 'click: evidence and fix'}</span>
      </div>
      {shown.length > 0 && (
        <div className="alert-cards">
          {shown.map((a) => (
            <AlertCard key={a.id} alert={a} />
          ))}
        </div>
      )}
    </section>
  );
}
