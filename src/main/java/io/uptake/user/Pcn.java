package io.uptake.user;

import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;

@MappedEntity("pcn")
public record Pcn(@Id @GeneratedValue Long id, String name, @MappedProperty("created_at") Instant createdAt) {
}
