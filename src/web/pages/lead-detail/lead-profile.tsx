import type { LeadDetail } from "../../api/types.ts";
import { TagList } from "../../components/tag-list.tsx";
import { formatDateTime, formatMoney, formatValue } from "../../format.ts";
import { type MessageKey, useT } from "../../i18n.ts";

/** The person: identities, fields (with secondary values and invalid flags), custom fields, tags. */
export function LeadProfile({ lead }: { lead: LeadDetail }) {
  const t = useT();
  // Other known e-mails and phones are shown like secondary values, once each.
  const extraEmails = lead.emails.filter((email) => email !== lead.email);
  const extraPhones = lead.phones.filter((phone) => phone !== lead.phone);
  const customEntries = Object.entries(lead.custom);
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("lead.profile")}</h2>
      <dl className="profile-list">
        <ProfileRow lead={lead} field="name" label="field.name" value={lead.name} />
        <ProfileRow lead={lead} field="email" label="field.email" value={lead.email} also={extraEmails} />
        <ProfileRow lead={lead} field="phone" label="field.phone" value={lead.phone} also={extraPhones} />
        <ProfileRow lead={lead} field="instagram" label="field.instagram" value={lead.instagram} />
        <ProfileRow lead={lead} field="city" label="field.city" value={lead.city} />
        <ProfileRow lead={lead} field="interest" label="field.interest" value={lead.interest} />
        <ProfileRow
          lead={lead}
          field="income"
          label="field.income"
          value={lead.income === null ? null : formatMoney(lead.income)}
        />
        <div className="profile-row">
          <dt>{t("field.tags")}</dt>
          <dd>
            <TagList values={lead.tags} />
          </dd>
        </div>
        <div className="profile-row">
          <dt>{t("lead.firstSource")}</dt>
          <dd>{lead.firstSource ?? t("common.none")}</dd>
        </div>
        <div className="profile-row">
          <dt>{t("lead.lastSource")}</dt>
          <dd>{lead.lastSource ?? t("common.none")}</dd>
        </div>
        <div className="profile-row">
          <dt>{t("lead.createdAt")}</dt>
          <dd>{formatDateTime(lead.createdAt)}</dd>
        </div>
        <div className="profile-row">
          <dt>{t("lead.updatedAt")}</dt>
          <dd>{formatDateTime(lead.updatedAt)}</dd>
        </div>
      </dl>
      {customEntries.length > 0 && (
        <>
          <h3>{t("lead.customFields")}</h3>
          <dl className="profile-list">
            {customEntries.map(([key, value]) => (
              <ProfileRow
                key={key}
                lead={lead}
                field={`custom.${key}`}
                text={key}
                value={formatValue(value)}
              />
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

function ProfileRow({
  lead,
  field,
  label,
  text,
  value,
  also = [],
}: {
  lead: LeadDetail;
  field: string;
  label?: MessageKey;
  text?: string;
  value: string | null;
  also?: string[];
}) {
  const t = useT();
  const secondary = [...new Set([...also, ...(lead.secondary[field] ?? [])])].filter(
    (item) => item !== value,
  );
  const invalid = lead.invalid[field];
  return (
    <div className="profile-row" data-field={field}>
      <dt>{label ? t(label) : text}</dt>
      <dd>
        <span>{value || t("common.none")}</span>
        {invalid !== undefined && (
          <span className="flag-invalid" title={t("lead.invalidTitle", { raw: invalid })}>
            ⚠ {t("lead.invalidValue")}: <code>{invalid}</code>
          </span>
        )}
        {secondary.length > 0 && <Secondary values={secondary} />}
      </dd>
    </div>
  );
}

function Secondary({ values }: { values: string[] }) {
  const t = useT();
  return <span className="secondary-values">{t("lead.alsoSeen", { values: values.join(", ") })}</span>;
}
