package io.uptake.sms;

import java.util.Collection;
import java.util.Set;

/**
 * Which provider message ids are already recorded on our messages. An adapter that reconciles by matching
 * texts (body and time, no id of ours) asks this before adopting one: a provider text already recorded on
 * another of our messages is that message's, however alike the two texts are.
 */
interface RecordedProviderSids {

    /** Of {@code providerSids}, those recorded on one of our messages other than {@code messageId}. */
    Set<String> recordedOnOtherMessages(long messageId, Collection<String> providerSids);
}
