import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { DevelopmentView, PropertyView } from "../../../realestate/schemas.ts";
import type { Page } from "../../api/types.ts";
import { formatMoney } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { type CatalogPick, moveActive, pickKey, pickOptions, pickTitle, placeOf } from "./catalog-pick.ts";
import { rememberPick } from "./use-linked-catalog.ts";

const PROPERTY_LIMIT = 8;
const DEVELOPMENT_LIMIT = 4;

/** `value` once it has stopped changing for `delayMs`. */
function useSettled(value: string, delayMs: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * The property or development a deal is about, searched in the catalog by title, code or city
 * (a combobox: arrows, Home/End, Enter to pick, Escape to close), with its price and status, and a
 * button to clear it.
 */
export function PropertyPicker({
  value,
  onChange,
  linkState = null,
  autoFocus = false,
}: {
  value: CatalogPick | null;
  onChange: (pick: CatalogPick | null) => void;
  /** The deal links something not read yet, or that could not be read. */
  linkState?: "loading" | "unavailable" | null;
  autoFocus?: boolean;
}) {
  const t = useT();
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const optionId = (index: number) => `${id}-option-${index}`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const q = useSettled(text.trim(), 250);
  const properties = useApi<Page<PropertyView>>(open ? "/api/v1/properties" : null, {
    q,
    limit: PROPERTY_LIMIT,
  });
  const developments = useApi<Page<DevelopmentView>>(open ? "/api/v1/developments" : null, {
    q,
    limit: DEVELOPMENT_LIMIT,
  });
  const options = pickOptions(properties.data?.items ?? [], developments.data?.items ?? []);
  const searching = properties.loading || developments.loading || q !== text.trim();
  const failed = properties.error ?? developments.error;

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);

  useEffect(() => {
    if (active >= 0) document.getElementById(`${id}-option-${active}`)?.scrollIntoView({ block: "nearest" });
  }, [active, id]);

  const choose = (pick: CatalogPick) => {
    rememberPick(pick);
    onChange(pick);
    setText("");
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        setActive(-1);
      } else if (text) setText("");
      return;
    }
    if (event.key === "Enter") {
      // Enter picks; it never submits the deal's form from the search box.
      event.preventDefault();
      const pick = options[active];
      if (open && !searching && pick) choose(pick);
      return;
    }
    if (!open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      setOpen(true);
      return;
    }
    // Home and End move the caret while there is text; the arrows wait for the results of what was typed.
    if (!open || searching) return;
    if ((event.key === "Home" || event.key === "End") && text !== "") return;
    const next = moveActive(active, event.key, options.length);
    if (next !== null) {
      event.preventDefault();
      setActive(next);
    }
  };

  const propertyOptions = options.filter((option) => option.kind === "property");
  const developmentOptions = options.filter((option) => option.kind === "development");
  const renderOption = (option: CatalogPick) => {
    const index = options.indexOf(option);
    return (
      // Focus stays in the search box (aria-activedescendant): the option is never tabbed to.
      <div
        key={pickKey(option)}
        id={optionId(index)}
        role="option"
        tabIndex={-1}
        aria-selected={index === active}
        className={index === active ? "catalog-option is-active" : "catalog-option"}
        onMouseDown={(event) => event.preventDefault()}
        onMouseEnter={() => setActive(index)}
        onClick={() => choose(option)}
        onKeyDown={(event) => {
          if (event.key === "Enter" || event.key === " ") choose(option);
        }}
      >
        <CatalogSummary pick={option} />
      </div>
    );
  };

  return (
    <div className="catalog-picker">
      <label htmlFor={inputId}>{t("deals.property")}</label>
      {value ? (
        <div className="catalog-picked" data-testid="catalog-picked">
          <CatalogSummary pick={value} />
          <button
            type="button"
            className="button button-small"
            aria-label={t("deals.picker.clearTitle", { title: pickTitle(value) })}
            onClick={() => {
              onChange(null);
              inputRef.current?.focus();
            }}
          >
            {t("deals.picker.clear")}
          </button>
        </div>
      ) : linkState === "loading" ? (
        <p className="muted small">{t("common.loading")}</p>
      ) : linkState === "unavailable" ? (
        <div className="catalog-picked">
          <span className="muted">{t("deals.picker.unavailable")}</span>
          <button type="button" className="button button-small" onClick={() => onChange(null)}>
            {t("deals.picker.clear")}
          </button>
        </div>
      ) : null}
      {value?.kind === "development" && <p className="muted small">{t("deals.picker.developmentOnly")}</p>}
      <div className="catalog-search">
        <input
          ref={inputRef}
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          aria-describedby={`${id}-status`}
          placeholder={value ? t("deals.picker.placeholderOther") : t("deals.picker.placeholder")}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
        />
        {open && (
          <div className={searching ? "catalog-options is-refreshing" : "catalog-options"}>
            <div role="listbox" id={listId} aria-label={t("deals.property")} aria-busy={searching}>
              {propertyOptions.length > 0 && (
                <div className="catalog-group" aria-hidden="true">
                  {t("deals.picker.properties")}
                </div>
              )}
              {propertyOptions.map(renderOption)}
              {developmentOptions.length > 0 && (
                <div className="catalog-group" aria-hidden="true">
                  {t("deals.picker.developments")}
                </div>
              )}
              {developmentOptions.map(renderOption)}
            </div>
            {!searching && options.length === 0 && (
              <p className="catalog-empty muted">
                {failed
                  ? t("deals.picker.failed")
                  : q
                    ? t("deals.picker.none", { text: q })
                    : t("deals.picker.emptyCatalog")}{" "}
                {!failed && (
                  <a href={href("/real-estate")} onMouseDown={(event) => event.preventDefault()}>
                    {t("deals.picker.goToCatalog")}
                  </a>
                )}
              </p>
            )}
          </div>
        )}
        <span id={`${id}-status`} className="visually-hidden" role="status" aria-live="polite">
          {open
            ? searching
              ? t("deals.picker.searching")
              : t("deals.picker.count", { count: options.length })
            : t("deals.picker.hint")}
        </span>
      </div>
    </div>
  );
}

/** A property (title, code, place, price, status) or a development (name, place, phase, units). */
export function CatalogSummary({ pick, compact = false }: { pick: CatalogPick; compact?: boolean }) {
  const t = useT();
  if (pick.kind === "property") {
    const { property } = pick;
    const place = placeOf(property);
    return (
      <span className="catalog-summary">
        <span className="catalog-title">
          <strong>{property.title}</strong>
          {property.code && <span className="muted"> · {property.code}</span>}
          {property.deletedAt && <span className="muted"> · {t("deals.picker.deleted")}</span>}
        </span>
        {!compact && (
          <span className="catalog-facts">
            {property.development && (
              <span className="muted">
                {t("realEstate.unitOf", {
                  unit: property.unit ?? "",
                  development: property.development.name,
                })}
              </span>
            )}
            {place && <span className="muted">{place}</span>}
            <span className="catalog-price">{formatMoney(property.price)}</span>
            <span className={`badge badge-property-${property.status}`}>
              {t(`realEstate.status.${property.status}`)}
            </span>
          </span>
        )}
      </span>
    );
  }
  const { development } = pick;
  const place = placeOf(development);
  return (
    <span className="catalog-summary">
      <span className="catalog-title">
        <strong>{development.name}</strong>
        <span className="muted"> · {t("deals.picker.development")}</span>
        {development.deletedAt && <span className="muted"> · {t("deals.picker.deleted")}</span>}
      </span>
      {!compact && (
        <span className="catalog-facts">
          {place && <span className="muted">{place}</span>}
          <span className="muted">
            {t("deals.picker.units", {
              total: development.unitCounts.total,
              available: development.unitCounts.available,
            })}
          </span>
          <span className="badge badge-type">{t(`realEstate.dev.status.${development.status}`)}</span>
        </span>
      )}
    </span>
  );
}
