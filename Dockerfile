# Builds and runs Uptake against an external PostgreSQL (see docker-compose.yml). Not used by the tests.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The build runs `npm ci` for the NHS.UK frontend (docs/adr/0021).
RUN apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null && rm -rf /var/lib/apt/lists/*
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY . .
RUN mvn -B -q package -DskipTests

# Debian, not the Ubuntu-based eclipse-temurin image: letters are printed by Debian's chromium (docs/adr/0024), which
# on Ubuntu is only a snap and does not run in a container.
FROM debian:bookworm-slim
# Letters are set in Debian's Noto fonts (io.uptake.letter.LetterFonts) and printed by chromium, both found at run
# time. tini runs as PID 1 so that any process a killed Chromium leaves behind is reaped, not left a zombie.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless chromium \
      fonts-noto-core tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/uptake-0.1.0.jar /app/uptake.jar
COPY templates /app/templates
COPY i18n /app/i18n
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "java", "-jar", "/app/uptake.jar"]
