import type { ImportPreview } from "../../../imports/schemas.ts";
import { ApiError, type FieldError } from "../../api/client.ts";
import { endSession, getToken } from "../../api/session.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problemOf(status: number, text: string): ApiError {
  let payload: unknown = null;
  try {
    payload = JSON.parse(text);
  } catch {
    // Not JSON: keep the status alone.
  }
  if (!isRecord(payload)) return new ApiError(status, "", "");
  const errors: FieldError[] = Array.isArray(payload.errors)
    ? payload.errors.flatMap((item: unknown) =>
        isRecord(item) && typeof item.field === "string" && typeof item.message === "string"
          ? [{ field: item.field, message: item.message }]
          : [],
      )
    : [];
  return new ApiError(
    status,
    typeof payload.title === "string" ? payload.title : "",
    typeof payload.detail === "string" ? payload.detail : "",
    errors,
    typeof payload.code === "string" ? payload.code : null,
  );
}

/**
 * Uploads a file as an import draft (`start=false`), reporting the bytes sent (0–1) as it goes;
 * resolves to the draft's preview. XMLHttpRequest, since fetch cannot report upload progress.
 */
export function uploadDraft(
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ImportPreview> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/imports");
    const token = getToken();
    if (token) request.setRequestHeader("authorization", `Bearer ${token}`);
    request.setRequestHeader("accept", "application/json, application/problem+json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        try {
          resolve(JSON.parse(request.responseText) as ImportPreview);
        } catch {
          reject(new ApiError(request.status, "Invalid response", ""));
        }
        return;
      }
      if (request.status === 401 && token) endSession(true);
      reject(problemOf(request.status, request.responseText));
    };
    request.onerror = () => reject(new ApiError(0, "Network error", ""));
    request.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    signal?.addEventListener("abort", () => request.abort(), { once: true });
    const form = new FormData();
    form.append("start", "false");
    form.append("file", file, file.name);
    request.send(form);
  });
}
