import { type FormEvent, useState } from "react";
import type { Role } from "../../../auth/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatDate } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { ApiKeysPanel } from "./api-keys-panel.tsx";
import { allFieldsShown, fieldMessages, ROLE_ORDER } from "./settings-format.ts";
import type { AddedMember, Member } from "./settings-types.ts";

const FIELDS = ["email", "password", "name", "role"];

/** Equipe (admins only: the server refuses members and API keys to everyone else). */
export function TeamTab({ workspaceId, currentUserId }: { workspaceId: string; currentUserId: string }) {
  return (
    <>
      <MembersPanel workspaceId={workspaceId} currentUserId={currentUserId} />
      <RolesLegend />
      <ApiKeysPanel />
    </>
  );
}

function MembersPanel({ workspaceId, currentUserId }: { workspaceId: string; currentUserId: string }) {
  const t = useT();
  const path = `/api/v1/workspaces/${workspaceId}/members`;
  const members = useApi<{ items: Member[] }>(path);
  const [notice, setNotice] = useState<string | null>(null);
  const acting = useSubmit();
  const items = members.data?.items ?? [];
  const who = (member: Pick<Member, "name" | "email">) => member.name ?? member.email;

  async function changeRole(member: Member, role: Role) {
    setNotice(null);
    // Shown changed at once; put back if the server refuses.
    members.setData({ items: items.map((item) => (item.id === member.id ? { ...item, role } : item)) });
    const done = await acting.run(async () => {
      await api<AddedMember>(path, { method: "POST", body: { email: member.email, role } });
      setNotice(t("settings.team.roleChanged", { who: who(member), role: t(`settings.role.${role}`) }));
    }, member.id);
    if (!done) members.setData({ items });
  }

  async function remove(member: Member) {
    if (!window.confirm(t("settings.team.confirmRemove", { who: who(member) }))) return;
    setNotice(null);
    await acting.run(async () => {
      await api(`${path}/${member.id}`, { method: "DELETE" });
      members.setData({ items: items.filter((item) => item.id !== member.id) });
      setNotice(t("settings.team.removed", { who: who(member) }));
    }, member.id);
  }

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t("settings.team.title")}</h2>
      <p className="muted">{t("settings.team.intro")}</p>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={acting.error} />
      {members.loading && !members.data ? (
        <LoadingState />
      ) : members.error && !members.data ? (
        <ProblemAlert error={members.error} onRetry={members.reload} />
      ) : items.length === 0 ? (
        <EmptyState title={t("settings.team.empty")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label={t("settings.team.title")}>
            <thead>
              <tr>
                <th scope="col">{t("settings.team.col.member")}</th>
                <th scope="col">{t("settings.team.col.email")}</th>
                <th scope="col">{t("settings.team.col.role")}</th>
                <th scope="col">{t("settings.team.col.since")}</th>
                <th scope="col">{t("settings.team.col.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((member) => {
                const isSelf = member.id === currentUserId;
                return (
                  <tr key={member.id} data-member-id={member.id}>
                    <td>
                      {member.name ?? <span className="muted">{t("common.none")}</span>}
                      {isSelf && <span className="muted"> ({t("settings.team.you")})</span>}
                    </td>
                    <td>{member.email}</td>
                    <td>
                      <select
                        value={member.role}
                        disabled={isSelf || acting.busyKey === member.id}
                        title={isSelf ? t("settings.team.selfNote") : undefined}
                        aria-label={t("settings.team.roleOf", { who: who(member) })}
                        onChange={(event) => void changeRole(member, event.target.value as Role)}
                      >
                        {ROLE_ORDER.map((role) => (
                          <option key={role} value={role}>
                            {t(`settings.role.${role}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{formatDate(member.createdAt)}</td>
                    <td className="cell-actions">
                      {!isSelf && (
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={acting.busyKey === member.id}
                          aria-label={t("settings.team.removeWho", { who: who(member) })}
                          onClick={() => void remove(member)}
                        >
                          {t("settings.team.remove")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AddMemberForm
        path={path}
        onAdded={(message) => {
          setNotice(message);
          members.reload();
        }}
      />
    </section>
  );
}

function AddMemberForm({ path, onAdded }: { path: string; onAdded: (message: string) => void }) {
  const t = useT();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("sales");
  const adding = useSubmit();
  const messages = fieldMessages(adding.fieldErrors);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await adding.run(async () => {
      const result = await api<AddedMember>(path, {
        method: "POST",
        body: {
          email: email.trim(),
          role,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(password ? { password } : {}),
        },
      });
      const params = { who: name.trim() || email.trim(), role: t(`settings.role.${role}`) };
      onAdded(t(result.isNewUser ? "settings.team.addedNew" : "settings.team.added", params));
      setEmail("");
      setName("");
      setPassword("");
      setRole("sales");
    });
  }

  return (
    <form className="page-section" onSubmit={submit} noValidate aria-labelledby="add-member-title">
      <h3 id="add-member-title">{t("settings.team.add")}</h3>
      <div className="form-grid">
        <label className="field">
          <span>{t("settings.team.email")}</span>
          <input
            type="email"
            value={email}
            required
            maxLength={320}
            autoComplete="off"
            onChange={(event) => setEmail(event.target.value)}
            aria-invalid={messages.email ? true : undefined}
          />
          {messages.email && <small className="field-error">{messages.email}</small>}
        </label>
        <label className="field">
          <span>{t("settings.team.name")}</span>
          <input
            value={name}
            maxLength={200}
            autoComplete="off"
            onChange={(event) => setName(event.target.value)}
            aria-invalid={messages.name ? true : undefined}
          />
          {messages.name && <small className="field-error">{messages.name}</small>}
        </label>
        <label className="field">
          <span>{t("settings.team.password")}</span>
          <input
            type="password"
            value={password}
            maxLength={1024}
            autoComplete="new-password"
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={messages.password ? true : undefined}
          />
          {messages.password ? (
            <small className="field-error">{messages.password}</small>
          ) : (
            <small>{t("settings.team.passwordHint")}</small>
          )}
        </label>
        <label className="field">
          <span>{t("settings.team.role")}</span>
          <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLE_ORDER.map((item) => (
              <option key={item} value={item}>
                {t(`settings.role.${item}`)}
              </option>
            ))}
          </select>
          <small>{t(`settings.roleHint.${role}`)}</small>
        </label>
      </div>
      {adding.error !== null && !allFieldsShown(adding.fieldErrors, FIELDS) && (
        <ProblemAlert error={adding.error} />
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={adding.busy || email.trim() === ""}>
          {adding.busy ? t("settings.team.adding") : t("settings.team.add")}
        </button>
      </div>
    </form>
  );
}

function RolesLegend() {
  const t = useT();
  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">{t("settings.roles.title")}</h2>
      <dl className="profile-list">
        {ROLE_ORDER.map((role) => (
          <div key={role} className="profile-row">
            <dt>
              <strong>{t(`settings.role.${role}`)}</strong>
            </dt>
            <dd className="muted">{t(`settings.roleHint.${role}`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
