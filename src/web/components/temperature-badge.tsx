import type { Temperature } from "../api/types.ts";
import { useT } from "../i18n.ts";

/** quente / morno / frio, in red / amber / blue. */
export function TemperatureBadge({ temperature }: { temperature: Temperature | string }) {
  const t = useT();
  const known: Temperature = temperature === "hot" || temperature === "warm" ? temperature : "cold";
  return (
    <span className={`badge badge-${known}`} data-temperature={known}>
      {t(`temperature.${known}`)}
    </span>
  );
}
