# The service image. Configure it with DATABASE_URL (see README, "Configuration").
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
# The console is built here too (its toolchain is a dev dependency) and served by the API at /.
RUN npm run build && npm run build:console && npm prune --omit=dev
EXPOSE 3000
# The same V8 flags as `npm start` (see the README: a smaller young generation, a lower peak RSS).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/apps/api/src/main.js"]
