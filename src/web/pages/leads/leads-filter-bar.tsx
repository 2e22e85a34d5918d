import { useId } from "react";
import { useSession } from "../../api/session.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { useT } from "../../i18n.ts";
import { type LeadFilters, TEMPERATURE_OPTIONS } from "./lead-filters.ts";

interface Props {
  filters: LeadFilters;
  onChange: (patch: Partial<LeadFilters>) => void;
}

/** Temperature chips and the text, owner and date filters. */
export function LeadsFilterBar({ filters, onChange }: Props) {
  const t = useT();
  const session = useSession();
  const me = session?.user.id ?? "";
  const id = useId();
  const ownerIsOther = filters.owner !== "" && filters.owner !== "none" && filters.owner !== me;
  return (
    <div className="filter-bar">
      <fieldset className="chip-group">
        <legend>{t("leads.temperature")}</legend>
        {TEMPERATURE_OPTIONS.map((temperature) => {
          const checked = filters.temperature.includes(temperature);
          return (
            <label key={temperature} className={`chip chip-${temperature}${checked ? " checked" : ""}`}>
              <input
                type="checkbox"
                checked={checked}
                onChange={() =>
                  onChange({
                    temperature: checked
                      ? filters.temperature.filter((item) => item !== temperature)
                      : [...filters.temperature, temperature],
                  })
                }
              />
              {t(`temperature.${temperature}`)}
            </label>
          );
        })}
      </fieldset>
      <label className="field field-compact" htmlFor={`${id}-source`}>
        <span>{t("leads.source")}</span>
        <DebouncedInput
          id={`${id}-source`}
          value={filters.source}
          onCommit={(source) => onChange({ source })}
        />
      </label>
      <label className="field field-compact" htmlFor={`${id}-tag`}>
        <span>{t("leads.tag")}</span>
        <DebouncedInput id={`${id}-tag`} value={filters.tag} onCommit={(tag) => onChange({ tag })} />
      </label>
      <label className="field field-compact" htmlFor={`${id}-city`}>
        <span>{t("leads.city")}</span>
        <DebouncedInput id={`${id}-city`} value={filters.city} onCommit={(city) => onChange({ city })} />
      </label>
      <label className="field field-compact">
        <span>{t("leads.owner")}</span>
        <select value={filters.owner} onChange={(event) => onChange({ owner: event.target.value })}>
          <option value="">{t("leads.ownerAny")}</option>
          <option value="none">{t("leads.ownerNone")}</option>
          {me && <option value={me}>{t("leads.ownerMe")}</option>}
          {ownerIsOther && <option value={filters.owner}>{filters.owner.slice(0, 8)}…</option>}
        </select>
      </label>
      <label className="field field-compact">
        <span>{t("leads.createdFrom")}</span>
        <input
          type="date"
          value={filters.createdFrom}
          onChange={(event) => onChange({ createdFrom: event.target.value })}
        />
      </label>
      <label className="field field-compact">
        <span>{t("leads.createdTo")}</span>
        <input
          type="date"
          value={filters.createdTo}
          onChange={(event) => onChange({ createdTo: event.target.value })}
        />
      </label>
    </div>
  );
}
