# Builds and runs Uptake against an external PostgreSQL (see docker-compose.yml). Not used by the tests.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The build runs `npm ci` for the NHS.UK frontend (docs/adr/0021).
RUN apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null && rm -rf /var/lib/apt/lists/*
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY . .
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# Letters are set in Debian/Ubuntu's Noto fonts, found at run time (io.uptake.letter.LetterFonts).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/uptake-0.1.0.jar /app/uptake.jar
COPY templates /app/templates
COPY i18n /app/i18n
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/uptake.jar"]
