import { Field, ID, InputType, ObjectType } from "type-graphql";
import { SupportLevel } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import { Node } from "../../graphql/node.js";

export interface ProductRow { id: string; code: string; name: string }
export interface ContactRow { id: string; name: string; email: string | null; phone: string | null; organization: string | null }
export interface AgentRow { id: string; name: string; email: string; level: "L1" | "L2" | "L3"; lead: boolean }

@ObjectType({ simpleResolvers: true, implements: Node })
export class Product extends Node {
  key!: string;
  @Field() code!: string;
  @Field() name!: string;

  static from(row: ProductRow): Product {
    return Object.assign(new Product(), { id: toGlobalId("Product", row.id), key: row.id, code: row.code, name: row.name });
  }
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class Contact extends Node {
  key!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) organization!: string | null;

  static from(row: ContactRow): Contact {
    return Object.assign(new Contact(), {
      id: toGlobalId("Contact", row.id),
      key: row.id,
      name: row.name,
      email: row.email,
      phone: row.phone,
      organization: row.organization,
    });
  }

  /** What a DISPLAY key may see of a requester: name and organization only (ACCESS.md). */
  static forDisplay(row: ContactRow): Contact {
    return Contact.from({ ...row, email: null, phone: null });
  }
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class Agent extends Node {
  key!: string;
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => SupportLevel) level!: SupportLevel;
  @Field() lead!: boolean;

  static from(row: AgentRow): Agent {
    return Object.assign(new Agent(), {
      id: toGlobalId("Agent", row.id),
      key: row.id,
      name: row.name,
      email: row.email,
      level: row.level as SupportLevel,
      lead: row.lead,
    });
  }
}

@InputType()
export class ContactInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) organization?: string | null;
}

@InputType()
export class AgentInput {
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => SupportLevel) level!: SupportLevel;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) lead?: boolean | null;
}
