import { PARTNER_EVENT_TYPES, type PartnerEventType } from "../../../partner-webhooks/schemas.ts";
import { useT } from "../../i18n.ts";
import { eventTypeLabel } from "./partner-webhook-labels.ts";

export interface EventChoice {
  all: boolean;
  selected: PartnerEventType[];
}

/** What the API stores: an empty list means every event type. */
export function eventTypesOf(choice: EventChoice): PartnerEventType[] {
  return choice.all ? [] : PARTNER_EVENT_TYPES.filter((type) => choice.selected.includes(type));
}

export function choiceOf(eventTypes: PartnerEventType[]): EventChoice {
  return { all: eventTypes.length === 0, selected: eventTypes };
}

export function isChoiceValid(choice: EventChoice): boolean {
  return choice.all || choice.selected.length > 0;
}

/** "All events", or chips for the event types an endpoint receives. */
export function EventTypesField({
  choice,
  onChange,
}: {
  choice: EventChoice;
  onChange: (choice: EventChoice) => void;
}) {
  const t = useT();
  return (
    <fieldset className="chip-group event-types">
      <legend>{t("partnerWebhooks.events")}</legend>
      <label className={`chip${choice.all ? " checked" : ""}`}>
        <input
          type="checkbox"
          checked={choice.all}
          onChange={() => onChange({ ...choice, all: !choice.all })}
        />
        {t("partnerWebhooks.allEvents")}
      </label>
      {!choice.all &&
        PARTNER_EVENT_TYPES.map((type) => {
          const checked = choice.selected.includes(type);
          return (
            <label key={type} className={`chip${checked ? " checked" : ""}`}>
              <input
                type="checkbox"
                checked={checked}
                onChange={() =>
                  onChange({
                    all: false,
                    selected: checked
                      ? choice.selected.filter((item) => item !== type)
                      : [...choice.selected, type],
                  })
                }
              />
              {eventTypeLabel(type, t)}
            </label>
          );
        })}
      {!isChoiceValid(choice) && (
        <small className="field-error" role="alert">
          {t("partnerWebhooks.chooseEvents")}
        </small>
      )}
    </fieldset>
  );
}
