import { type InputHTMLAttributes, useEffect, useState } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "type"> & {
  value: number;
  onValue: (value: number) => void;
  integer?: boolean;
};

/** A number field that lets the user clear it or type "-" on the way to a valid number. */
export function NumberInput({ value, onValue, integer = true, ...inputProps }: Props) {
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText((previous) => (Number(previous) === value && previous.trim() !== "" ? previous : String(value)));
  }, [value]);
  const pattern = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  return (
    <input
      {...inputProps}
      type="text"
      inputMode={integer ? "numeric" : "decimal"}
      value={text}
      aria-invalid={!pattern.test(text.trim())}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        if (pattern.test(next.trim())) onValue(Number(next.trim()));
      }}
    />
  );
}
