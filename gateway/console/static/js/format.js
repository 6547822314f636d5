// Formatting of API values for display. Fixed locale (en-US) so figures read the same everywhere.

const LOCALE = "en-US";
const digitsCache = new Map();

function currencyDigits(currency) {
  if (!digitsCache.has(currency)) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat(LOCALE, { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      /* unknown code: two decimals */
    }
    digitsCache.set(currency, digits);
  }
  return digitsCache.get(currency);
}

// {currency, amount_minor} -> "12,500.00 EUR"; null/undefined -> "—".
export function money(value) {
  if (!value || value.amount_minor === undefined || value.amount_minor === null) return "—";
  const currency = value.currency || "";
  const digits = currencyDigits(currency || "EUR");
  const major = Number(value.amount_minor) / 10 ** digits;
  const text = major.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return currency ? `${text} ${currency}` : text;
}

// The amount in major units as a number (for charts).
export function moneyValue(value) {
  if (!value || value.amount_minor === undefined || value.amount_minor === null) return 0;
  return Number(value.amount_minor) / 10 ** currencyDigits(value.currency || "EUR");
}

// Basis points -> "85.0 %".
export function percent(bp) {
  if (bp === undefined || bp === null || Number.isNaN(Number(bp))) return "—";
  return `${(Number(bp) / 100).toFixed(1)} %`;
}

// A 0..1 ratio -> "42.0 %".
export function ratio(value) {
  if (value === undefined || value === null || Number.isNaN(Number(value))) return "—";
  return `${(Number(value) * 100).toFixed(1)} %`;
}

export function number(n) {
  if (n === undefined || n === null || Number.isNaN(Number(n))) return "—";
  return Number(n).toLocaleString(LOCALE);
}

// "2026-11-27" or an instant -> "27 Nov 2026" (the date as the API gives it, in UTC).
export function date(iso) {
  if (!iso) return "—";
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

// An instant -> "27 Nov 2026, 07:18 UTC".
export function datetime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const day = date(iso);
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return `${day}, ${time} UTC`;
}

export default { money, moneyValue, percent, ratio, number, date, datetime };
