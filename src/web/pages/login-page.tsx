import { type FormEvent, useState } from "react";
import { api } from "../api/client.ts";
import { sessionExpired, startSession } from "../api/session.ts";
import type { Session } from "../api/types.ts";
import { ProblemAlert } from "../components/problem-alert.tsx";
import { useT } from "../i18n.ts";

export function LoginPage() {
  const t = useT();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      const session = await api<Session>("/api/v1/auth/login", {
        method: "POST",
        body: { email, password },
      });
      startSession(session);
    } catch (caught) {
      setError(caught);
      setSubmitting(false);
    }
  }

  return (
    <main className="login-page">
      <form className="card login-card" onSubmit={submit} noValidate>
        <h1>{t("login.title")}</h1>
        <p className="muted">{t("app.tagline")}</p>
        {sessionExpired() && !error && <div className="alert alert-info">{t("common.sessionExpired")}</div>}
        <ProblemAlert error={error} />
        <label className="field">
          <span>{t("login.email")}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t("login.password")}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? t("login.submitting") : t("login.submit")}
        </button>
      </form>
    </main>
  );
}
