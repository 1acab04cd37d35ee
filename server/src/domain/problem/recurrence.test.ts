import { describe, expect, it } from "vitest";
import { findRecurring, jaccard, significantWords, suggestTitle, type RecurrenceCandidate } from "./recurrence.js";

let n = 0;
function inc(title: string, extra: Partial<RecurrenceCandidate> = {}): RecurrenceCandidate {
  n++;
  return { id: `i${String(n).padStart(3, "0")}`, productId: "ERP", title, description: "", resolutionArticleId: null, openedAt: n * 1000, ...extra };
}

describe("significant words", () => {
  it("drops accents, case, stop words and folds plurals", () => {
    expect(significantWords("La IMPRESORA no imprime")).toEqual(["impresora", "imprime"]);
    expect(significantWords("Las impresoras no imprimen")).toEqual(["impresora", "imprimen"]);
    expect(significantWords("Printers do not print")).toEqual(["printer", "print"]);
    expect(significantWords("Configuración del correo")).toEqual(["configuracion", "correo"]);
  });
  it("jaccard", () => {
    expect(jaccard(["a", "b"], ["b", "c"])).toBeCloseTo(1 / 3);
    expect(jaccard([], [])).toBe(0);
  });
});

describe("findRecurring", () => {
  it("groups five similar incidents of one product and leaves others alone", () => {
    const similar = [
      inc("La impresora no imprime"),
      inc("Impresora no imprime desde ayer"),
      inc("impresoras no imprimen"),
      inc("La impresora de la oficina no imprime"),
      inc("IMPRESORA NO IMPRIME"),
    ];
    const others = [inc("Factura duplicada"), inc("No puedo entrar al portal"), inc("La impresora no imprime", { productId: "CRM" })];
    const groups = findRecurring([...others, ...similar], { minCount: 3 });
    expect(groups).toHaveLength(1);
    expect(groups[0].productId).toBe("ERP");
    expect(groups[0].incidentIds).toEqual(similar.map((i) => i.id));
    expect(groups[0].suggestedTitle).toBe("Impresora imprime");
  });

  it("groups incidents resolved with the same article, whatever their words", () => {
    const a = [inc("VPN caída", { resolutionArticleId: "kb1" }), inc("No conecta desde casa", { resolutionArticleId: "kb1" }), inc("Túnel cortado", { resolutionArticleId: "kb1" })];
    const groups = findRecurring([...a, inc("Otra cosa", { resolutionArticleId: "kb2" })], { minCount: 3 });
    expect(groups.map((g) => g.incidentIds)).toEqual([a.map((i) => i.id)]);
  });

  it("links through descriptions and transitively; respects minCount", () => {
    const x = [
      inc("Error al exportar", { description: "El informe de ventas en CSV se corta al 50 %" }),
      inc("Exportación fallida", { description: "El informe de ventas en CSV se corta" }),
    ];
    expect(findRecurring(x, { minCount: 3 })).toEqual([]);
    expect(findRecurring(x, { minCount: 2 })[0].incidentIds).toEqual(x.map((i) => i.id));
  });

  it("suggests the shared words of the oldest title, or that title", () => {
    expect(suggestTitle(["Printer offline again", "printer offline", "Offline printer in HR"])).toBe("Printer offline");
    expect(suggestTitle(["VPN caída", "Túnel cortado"])).toBe("VPN caída");
  });
});
