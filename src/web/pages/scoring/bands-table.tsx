import { NumberInput } from "../../components/number-input.tsx";
import { useT } from "../../i18n.ts";

export interface Band {
  min: number;
  points: number;
}

/** The income band table: from which amount, how many points; rows can be added and removed. */
export function BandsTable({
  bands,
  onChange,
  money,
}: {
  bands: Band[];
  onChange: (bands: Band[]) => void;
  money: boolean;
}) {
  const t = useT();
  const update = (index: number, patch: Partial<Band>) =>
    onChange(bands.map((band, at) => (at === index ? { ...band, ...patch } : band)));
  return (
    <div className="bands">
      <table className="data-table bands-table">
        <thead>
          <tr>
            <th>
              {t("scoring.bandMin")}
              {money ? " (R$)" : ""}
            </th>
            <th>{t("scoring.bandPoints")}</th>
            <th>
              <span className="visually-hidden">{t("scoring.removeBand")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bands.map((band, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id
            <tr key={index}>
              <td>
                <NumberInput
                  aria-label={t("scoring.bandMin")}
                  integer={false}
                  value={band.min}
                  onValue={(min) => update(index, { min })}
                />
              </td>
              <td>
                <NumberInput
                  aria-label={t("scoring.bandPoints")}
                  value={band.points}
                  onValue={(points) => update(index, { points })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="button button-ghost button-small"
                  aria-label={t("scoring.removeBand")}
                  title={t("scoring.removeBand")}
                  disabled={bands.length <= 1}
                  onClick={() => onChange(bands.filter((_, at) => at !== index))}
                >
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="button button-small"
        onClick={() => {
          const last = bands.at(-1);
          onChange([...bands, { min: last ? last.min + 1000 : 0, points: last?.points ?? 0 }]);
        }}
      >
        {t("scoring.addBand")}
      </button>
    </div>
  );
}
