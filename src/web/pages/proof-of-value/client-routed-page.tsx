import { EmptyState } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { href, type Route } from "../../router.ts";
import { clientMayOpen, PROOF_PATH } from "./proof-of-value-format.ts";
import { ProofOfValuePage } from "./proof-of-value-page.tsx";

/** A client's whole app: the proof of value, and a no-access page for any other route. */
export function ClientRoutedPage({ route }: { route: Route }) {
  if (clientMayOpen(route.path)) return <ProofOfValuePage />;
  // "/" and "/login" are on their way to the proof of value (app.tsx redirects them).
  if (route.path === "/" || route.path === "/login") return null;
  return <NoAccessPage />;
}

function NoAccessPage() {
  const t = useT();
  return (
    <main className="page">
      <EmptyState title={t("noAccess.title")} hint={t("noAccess.hint")}>
        <a className="button" href={href(PROOF_PATH)}>
          {t("noAccess.goToProof")}
        </a>
      </EmptyState>
    </main>
  );
}
