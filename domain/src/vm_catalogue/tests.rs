//! Given/when/then specs of the VmCatalogue aggregate, and the template unescaping.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

fn network() -> VmCatalogueEntry {
    VmCatalogueEntry::Network(VmNetworkType {
        network_type: "Network_N6".into(),
        description_zh: "N6网络".into(),
        description_en: "N6 network".into(),
        network_name: "mec_network_n6".into(),
    })
}

fn command(actor: Actor) -> VmCatalogueCommand {
    VmCatalogueCommand {
        actor,
        entry: network(),
    }
}

type Framework = TestFramework<VmCatalogue>;

#[test]
fn an_admin_records_an_entry_once() {
    let admin = Actor::new("a", "admin", vec![Role::Admin]);
    Framework::with(())
        .given_no_previous_events()
        .when(command(admin.clone()))
        .then_expect_events(vec![VmCatalogueEvent::VmCatalogueEntryRecorded {
            entry: network(),
        }]);
    Framework::with(())
        .given(vec![VmCatalogueEvent::VmCatalogueEntryRecorded {
            entry: network(),
        }])
        .when(command(admin))
        .then_expect_error(VmCatalogueError::AlreadyExists);
    Framework::with(())
        .given_no_previous_events()
        .when(command(Actor::new("t", "tenant", vec![Role::Tenant])))
        .then_expect_error(VmCatalogueError::Forbidden);
    assert_eq!(network().stream_id(), "network/Network_N6");
}

#[test]
fn templates_are_unescaped_as_the_original_does() {
    assert_eq!(unescape(r"a\r\nb\tc\\d\x"), "a\r\nb\tc\\d\\x");
    assert_eq!(unescape(r"ends with \"), "ends with \\");
}
