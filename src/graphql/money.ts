import { formatMoney } from "../domain/money.js";
import { builder } from "./builder.js";

export interface MoneyValue {
  amount: number;
  currency: string;
}

export const MoneyRef = builder.objectRef<MoneyValue>("Money").implement({
  description: "An amount in the currency's minor units (fen for CNY).",
  fields: (t) => ({
    amount: t.exposeInt("amount", { description: "The amount in the currency's minor units, a whole number: fen for CNY (1999 is ¥19.99), cents for USD; a currency without minor units (JPY) counts whole units." }),
    currency: t.exposeString("currency", { description: "The ISO 4217 currency code: the shop's currency (e.g. CNY)." }),
    formatted: t.string({ resolve: (money) => formatMoney(money.amount, money.currency), description: "The amount for people, with the currency's symbol and decimals (e.g. ¥19.99); do not parse it." }),
  }),
});

export function money(amount: number, currency: string): MoneyValue {
  return { amount, currency };
}
