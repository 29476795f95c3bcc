import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import ARIMA from "arima";

/** Days forecast after the last day of the period. */
export const FORECAST_HORIZON_DAYS = 14;
/** ARIMA(0,2,2) cannot be fitted on fewer points (the library says so). */
export const FORECAST_MIN_DAYS = 12;

// ARIMA(0,2,2) is the model whose optimal forecasts are those of Holt's linear trend method;
// fitting it by exact maximum likelihood chooses the smoothing for us instead of guessing α, β.
const MODEL = { p: 0, d: 2, q: 2, method: 0, optimizer: 6 } as const;

const LIBRARY = (() => {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(require.resolve("arima")), "package.json"), "utf8")) as { name: string; version: string };
  return `${manifest.name}@${manifest.version}`;
})();

export interface RefundRateForecast {
  method: string;
  library: string;
  parameters: Array<{ name: string; value: string }>;
  /** The series the model was fitted on: daily refund rate, oldest first. */
  input: number[];
  horizonDays: number;
  points: Array<{ date: string; refundRate: number; standardError: number }>;
  /** Why there are no points (too few days), or null. */
  unavailableReason: string | null;
}

/** Forecasts the daily refund rate for the 14 days after the series (dates YYYY-MM-DD, consecutive). */
export function forecastRefundRate(days: ReadonlyArray<{ date: string; refundRate: number }>): RefundRateForecast {
  const input = days.map((day) => day.refundRate);
  const base: Omit<RefundRateForecast, "points" | "unavailableReason"> = {
    method: "ARIMA(0,2,2) — Holt's linear trend exponential smoothing in its ARIMA form, fitted by exact maximum likelihood",
    library: LIBRARY,
    parameters: [
      { name: "p", value: String(MODEL.p) },
      { name: "d", value: String(MODEL.d) },
      { name: "q", value: String(MODEL.q) },
      { name: "method", value: "0 (exact maximum likelihood)" },
      { name: "optimizer", value: "6 (limited-memory BFGS)" },
      { name: "clamp", value: "forecasts are clamped to [0, 1]" },
    ],
    input,
    horizonDays: FORECAST_HORIZON_DAYS,
  };
  if (input.length < FORECAST_MIN_DAYS) {
    return { ...base, points: [], unavailableReason: `A forecast needs at least ${FORECAST_MIN_DAYS} days of history; the period has ${input.length}.` };
  }
  // A flat series has nothing to fit (the optimiser would divide by a zero variance).
  if (input.every((value) => value === input[0])) {
    return { ...base, points: futureDates(days).map((date) => ({ date, refundRate: input[0]!, standardError: 0 })), unavailableReason: null };
  }
  const model = new ARIMA({ ...MODEL, verbose: false }).train(input);
  try {
    const [predicted, variances] = model.predict(FORECAST_HORIZON_DAYS);
    if (!predicted.every(Number.isFinite)) {
      return { ...base, points: [], unavailableReason: "The model did not converge on this series." };
    }
    return {
      ...base,
      points: futureDates(days).map((date, index) => ({
        date,
        refundRate: Math.min(1, Math.max(0, predicted[index]!)),
        standardError: Math.sqrt(Math.max(0, variances[index] ?? 0)),
      })),
      unavailableReason: null,
    };
  } finally {
    model.destroy();
  }
}

function futureDates(days: ReadonlyArray<{ date: string }>): string[] {
  const last = Date.parse(`${days[days.length - 1]!.date}T00:00:00Z`);
  return Array.from({ length: FORECAST_HORIZON_DAYS }, (_, index) => new Date(last + (index + 1) * 86_400_000).toISOString().slice(0, 10));
}
