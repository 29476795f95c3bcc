import { builder } from "./builder.js";
import "./scalars.js";
import "./shop.js";
import "./customer.js";
import "./order.js";
import "./refund.js";
import "./refund-mutations.js";
import "./subscriptions.js";

export const schema = builder.toSchema({ sortSchema: true });
