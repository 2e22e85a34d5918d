import { useT } from "../../i18n.ts";

/** A filter of a catalog list: a labelled select whose first choice, "any", clears it. */
export function FilterSelect<Option extends string>(props: {
  label: string;
  value: string;
  options: readonly Option[];
  labelOf: (option: Option) => string;
  onChange: (value: string) => void;
}) {
  const t = useT();
  return (
    <label className="field field-compact">
      <span>{props.label}</span>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{t("realEstate.any")}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {props.labelOf(option)}
          </option>
        ))}
      </select>
    </label>
  );
}
