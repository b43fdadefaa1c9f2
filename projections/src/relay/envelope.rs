//! The message of one event: a CloudEvents 1.0 structured JSON body, its routing key
//! `<aggregate>.<EventType>`, and AMQP properties (message id = event id, persistent).

use lapin::types::ShortString;
use lapin::BasicProperties;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::runtime::LogEvent;

/// `application.ApplicationCreated`.
pub fn routing_key(event: &LogEvent) -> String {
    format!("{}.{}", event.aggregate_type, event.event_type)
}

/// The CloudEvents `type`: `edgedev.<aggregate>.<EventType>.v<version>`.
pub fn event_type(event: &LogEvent) -> String {
    format!(
        "edgedev.{}.{}.v{}",
        event.aggregate_type, event.event_type, event.event_version
    )
}

/// The structured CloudEvents 1.0 body. Extension attributes carry the aggregate, its sequence,
/// the global position and transaction, and the correlation, causation and user ids. `data` is
/// the stored payload, copied as is.
#[derive(Serialize)]
pub struct CloudEvent<'a> {
    specversion: &'static str,
    id: String,
    source: &'a str,
    #[serde(rename = "type")]
    event_type: String,
    subject: &'a str,
    time: String,
    datacontenttype: &'static str,
    data: &'a RawValue,
    aggregatetype: &'a str,
    sequence: i64,
    position: i64,
    transactionid: i64,
    correlationid: Option<&'a str>,
    causationid: Option<&'a str>,
    userid: Option<&'a str>,
}

pub fn cloud_event<'a>(event: &'a LogEvent, source: &'a str) -> CloudEvent<'a> {
    CloudEvent {
        specversion: "1.0",
        id: event.event_id.to_string(),
        source,
        event_type: event_type(event),
        subject: &event.aggregate_id,
        time: event
            .recorded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        datacontenttype: "application/json",
        data: &event.payload,
        aggregatetype: &event.aggregate_type,
        sequence: event.sequence,
        position: event.global_position,
        transactionid: event.txid,
        correlationid: event.meta("correlation_id"),
        causationid: event.meta("causation_id"),
        userid: event.meta("user_id"),
    }
}

/// AMQP properties of the message.
pub fn properties(event: &LogEvent) -> BasicProperties {
    let mut properties = BasicProperties::default()
        .with_message_id(ShortString::from(event.event_id.to_string()))
        .with_content_type(ShortString::from("application/cloudevents+json"))
        .with_timestamp(event.recorded_at.timestamp().max(0) as u64)
        .with_type(ShortString::from(event_type(event)))
        .with_app_id(ShortString::from("edgedev"))
        .with_delivery_mode(2);
    if let Some(correlation) = event.meta("correlation_id") {
        properties = properties.with_correlation_id(ShortString::from(correlation));
    }
    properties
}
