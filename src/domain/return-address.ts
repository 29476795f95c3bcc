// Return addresses: where a returned parcel goes, and what it must hold. Pure.
import type { RefundStatus } from "./types.js";

export const REQUIRED_ADDRESS_FIELDS = ["label", "recipient", "phone", "province", "city", "street"] as const;
export const OPTIONAL_ADDRESS_FIELDS = ["district", "postalCode", "requirements"] as const;
export const MAX_ADDRESS_FIELD_LENGTH = 200;
export const MAX_REQUIREMENTS_LENGTH = 500;

type AddressField = (typeof REQUIRED_ADDRESS_FIELDS)[number] | (typeof OPTIONAL_ADDRESS_FIELDS)[number];
export type AddressFields = Record<(typeof REQUIRED_ADDRESS_FIELDS)[number], string> & Record<(typeof OPTIONAL_ADDRESS_FIELDS)[number], string | null>;

/**
 * What a refund keeps of the address it was sent to: a copy, so a later edit of the address
 * does not rewrite what the customer was told. A type alias (not an interface), so it is a
 * JSON value as Prisma sees one.
 */
export type ReturnAddressSnapshot = AddressFields & { addressId: string };

/** The fields of an address, trimmed, with the first problem: a required one missing, or one too long. */
export function addressFields(
  input: Partial<Record<AddressField, string | null | undefined>>,
): { ok: true; fields: AddressFields } | { ok: false; field: AddressField; message: string; missing: boolean } {
  const fields: Record<string, string | null> = {};
  for (const name of REQUIRED_ADDRESS_FIELDS) {
    const value = input[name]?.trim() ?? "";
    if (!value) return { ok: false, field: name, message: `A return address needs ${name}`, missing: true };
    fields[name] = value;
  }
  for (const name of OPTIONAL_ADDRESS_FIELDS) fields[name] = input[name]?.trim() || null;
  for (const [name, value] of Object.entries(fields)) {
    const max = name === "requirements" ? MAX_REQUIREMENTS_LENGTH : MAX_ADDRESS_FIELD_LENGTH;
    if (value && value.length > max) return { ok: false, field: name as AddressField, message: `${name} has at most ${max} characters`, missing: false };
  }
  return { ok: true, fields: fields as AddressFields };
}

/** One line for a message: recipient, phone, and the address from province to street. */
export function addressLine(address: AddressFields): string {
  const place = [address.province, address.city, address.district, address.street].filter(Boolean).join(" ");
  return `${address.recipient} ${address.phone} ${place}${address.postalCode ? ` ${address.postalCode}` : ""}`;
}

/**
 * A transition into AWAITING_RETURN (APPROVE of a return, ACCEPT_OFFER of a return with full
 * refund, a rule's APPROVE — whichever leads there) carries the shop's default address in the
 * same version-checked UPDATE that sets the status: no statement of its own. Other
 * transitions are left as they are.
 */
export function withReturnAddress<Rows extends { refund: { status: RefundStatus; returnAddress?: ReturnAddressSnapshot } }>(rows: Rows, defaultAddress: ReturnAddressSnapshot | null): Rows {
  if (rows.refund.status !== "AWAITING_RETURN" || !defaultAddress) return rows;
  return { ...rows, refund: { ...rows.refund, returnAddress: defaultAddress } };
}
