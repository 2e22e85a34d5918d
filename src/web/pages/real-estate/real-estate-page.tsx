import { useSession } from "../../api/session.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { ClientsList } from "./clients-list.tsx";
import { DevelopmentsPanel, DevelopmentUnits } from "./developments-panel.tsx";
import { PropertiesList } from "./properties-list.tsx";

/** Imóveis: the properties list, the developments and the units of one (`developmentId`), or the clients. */
export function RealEstatePage({
  tab,
  developmentId,
}: {
  tab: "properties" | "developments" | "clients";
  developmentId?: string | undefined;
}) {
  const t = useT();
  const session = useSession();
  const canWrite = (session?.role ?? "viewer") !== "viewer";
  return (
    <main className="page real-estate-page">
      <div className="page-header">
        <h1>{t("realEstate.title")}</h1>
      </div>
      <p className="muted page-intro">{canWrite ? t("realEstate.intro") : t("realEstate.readOnly")}</p>
      <nav className="segmented real-estate-tabs" aria-label={t("realEstate.tabs")}>
        {(["properties", "developments", "clients"] as const).map((item) => (
          <a
            key={item}
            className={tab === item ? "segment active" : "segment"}
            aria-current={tab === item ? "page" : undefined}
            href={href(item === "properties" ? "/real-estate" : `/real-estate/${item}`)}
          >
            {t(`realEstate.tab.${item}`)}
          </a>
        ))}
      </nav>
      {tab === "properties" ? (
        <PropertiesList canWrite={canWrite} />
      ) : tab === "clients" ? (
        <ClientsList />
      ) : developmentId ? (
        <DevelopmentUnits key={developmentId} developmentId={developmentId} canWrite={canWrite} />
      ) : (
        <DevelopmentsPanel canWrite={canWrite} />
      )}
    </main>
  );
}
