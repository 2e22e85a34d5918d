import { type InputHTMLAttributes, useEffect, useRef, useState } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  value: string;
  onCommit: (value: string) => void;
  delayMs?: number;
};

/** A text input that reports its value once typing pauses (search boxes, text filters). */
export function DebouncedInput({ value, onCommit, delayMs = 300, ...inputProps }: Props) {
  const [text, setText] = useState(value);
  const committed = useRef(value);
  const timer = useRef<number | undefined>(undefined);
  const commitRef = useRef(onCommit);
  commitRef.current = onCommit;

  // A change from outside (a saved segment, "clear filters") replaces what is typed.
  useEffect(() => {
    if (value !== committed.current) {
      committed.current = value;
      window.clearTimeout(timer.current);
      setText(value);
    }
  }, [value]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  return (
    <input
      {...inputProps}
      value={text}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => {
          committed.current = next;
          commitRef.current(next);
        }, delayMs);
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter") {
          window.clearTimeout(timer.current);
          committed.current = text;
          commitRef.current(text);
        }
        inputProps.onKeyDown?.(event);
      }}
    />
  );
}
