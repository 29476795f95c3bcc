import { formatMoney } from "../domain/money.js";
import { builder } from "./builder.js";

export interface MoneyValue {
  amount: number;
  currency: string;
}

export const MoneyRef = builder.objectRef<MoneyValue>("Money").implement({
  description: "An amount in the currency's minor units (fen for CNY).",
  fields: (t) => ({
    amount: t.exposeInt("amount"),
    currency: t.exposeString("currency"),
    formatted: t.string({ resolve: (money) => formatMoney(money.amount, money.currency) }),
  }),
});

export function money(amount: number, currency: string): MoneyValue {
  return { amount, currency };
}
