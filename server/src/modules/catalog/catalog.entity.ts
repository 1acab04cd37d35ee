import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("product")
export class ProductEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column("text") code!: string;
  @Column("text") name!: string;
  @CreateDateColumn({ name: "created_at", type: "timestamptz" }) createdAt!: Date;
}

@Entity("contact")
export class ContactEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column("text") name!: string;
  @Column("text", { nullable: true }) email!: string | null;
  @Column("text", { nullable: true }) phone!: string | null;
  @Column("text", { nullable: true }) organization!: string | null;
  @CreateDateColumn({ name: "created_at", type: "timestamptz" }) createdAt!: Date;
}

@Entity("agent")
export class AgentEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column("text") name!: string;
  @Column("text") email!: string;
  @Column("text") level!: "L1" | "L2" | "L3";
  @Column("boolean") lead!: boolean;
  @CreateDateColumn({ name: "created_at", type: "timestamptz" }) createdAt!: Date;
}
