import { Field, ID, InterfaceType, ObjectType } from "type-graphql";

@InterfaceType({ description: "Anything with an opaque, global id; node(id) takes any of them" })
export abstract class Node {
  @Field(() => ID) id!: string;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
}
