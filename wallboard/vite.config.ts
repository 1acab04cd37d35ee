import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

// The server serves dist/ at "/" and GraphQL (HTTP and graphql-ws) at "/graphql" on the
// same origin. For `pnpm dev`, /graphql is proxied to ATALAYA_SERVER (a running server).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, ".", "ATALAYA_");
  const target = env.ATALAYA_SERVER || "http://localhost:4000";
  return {
    base: "/",
    plugins: [react()],
    build: { outDir: "dist", emptyOutDir: true },
    server: { proxy: { "/graphql": { target, ws: true, changeOrigin: true } } },
    preview: { proxy: { "/graphql": { target, ws: true, changeOrigin: true } } },
  };
});
