// The frame of the sign-in and sign-up pages: a centred card with a heading and a way back.
import type { ReactNode } from 'react';

export function AuthCard({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <section aria-labelledby="auth-card-title" className="mx-auto w-full max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="auth-card-title" className="text-2xl font-bold tracking-tight text-slate-900">
        {title}
      </h1>
      {intro && <p className="mt-1 text-sm text-slate-600">{intro}</p>}
      <div className="mt-6">{children}</div>
      {footer && <div className="mt-6 border-t border-slate-100 pt-4 text-sm text-slate-600">{footer}</div>}
    </section>
  );
}
