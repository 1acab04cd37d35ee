import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Role } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import type { ApiKeyRow } from "./api-key.service.js";

@ObjectType({ simpleResolvers: true })
export class ApiKey {
  row!: ApiKeyRow;
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Int, { nullable: true, description: "requests per 10 seconds; null: the server's default (RATE_LIMIT)" }) rateLimit!: number | null;
  // agent, contact: field resolvers

  static from(row: ApiKeyRow): ApiKey {
    return Object.assign(new ApiKey(), {
      row,
      id: toGlobalId("ApiKey", row.id),
      name: row.name,
      role: row.role as Role,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      rateLimit: row.rate_limit,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: "the secret is shown once; only its hash is kept" })
export class ApiKeySecret {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field() secret!: string;
}

@InputType({ description: "AGENT/LEAD keys act as their agent; CUSTOMER keys as their contact" })
export class ApiKeyInput {
  @Field() name!: string;
  @Field(() => Role) role!: Role;
  @Field(() => ID, { nullable: true }) agentId?: string | null;
  @Field(() => ID, { nullable: true }) contactId?: string | null;
  @Field(() => Int, { nullable: true, description: "requests per 10 seconds; default: the server's RATE_LIMIT" }) rateLimit?: number | null;
}
