package io.uptake.reply;

import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.TwiMLException;
import com.twilio.twiml.messaging.Message;
import io.micronaut.core.annotation.Nullable;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.Optional;

/** Our webhook answers: a {@code <Response>} with zero or one {@code <Message>}; and reading one back. */
final class Twiml {
    private Twiml() {
    }

    static String response(Optional<String> reply) {
        MessagingResponse.Builder response = new MessagingResponse.Builder();
        reply.ifPresent(text -> response.message(new Message.Builder(text).build()));
        try {
            return response.build().toXml();
        } catch (TwiMLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of the first {@code <Message>}, or null when there is none (what the patient's phone receives). */
    static @Nullable String messageText(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList messages = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)))
                    .getElementsByTagName("Message");
            return messages.getLength() == 0 ? null : messages.item(0).getTextContent();
        } catch (Exception e) {
            throw new IllegalArgumentException("Not TwiML", e);
        }
    }
}
